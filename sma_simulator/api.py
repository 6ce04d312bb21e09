"""Handlers of the SMA API under ``/sma/api/v2.0``.

Paths, parameters, body fields and response shapes follow the public clients of the API
(Cortex XSOAR's CiscoSMA integration, Splunk SOAR's ciscosma connector, the PSCiscoSMA
PowerShell module, the swagger-codegen client in kribsi/esa_python) and Cisco TechNote 225700.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable
from urllib.parse import quote

from .dates import parse_duration, parse_query_date
from .errors import ApiError, invalid, missing, unsupported
from .exchange import Request, Response
from .message import PVO, SPAM, render_details
from .query import parse_search

if TYPE_CHECKING:
    from .app import Simulator

API_ROOT = "/sma/api/v2.0"
PVO_ACTIONS = ("release", "move", "delay", "sendCopy")
_ACTION_FIELDS = {
    # NOTE: the body fields of move, delay and sendCopy come from the swagger-codegen models
    # only, and the verbs "delay" and "sendCopy" are best guesses.
    (SPAM, "release"): {"action", "quarantineType", "mids"},
    (PVO, "release"): {"action", "quarantineType", "quarantineName", "mids"},
    (PVO, "move"): {"action", "quarantineType", "quarantineName", "destinationQuarantineName", "mids"},
    (PVO, "delay"): {"action", "quarantineType", "quarantineName", "delay", "mids"},
    (PVO, "sendCopy"): {"action", "quarantineType", "quarantineName", "recipients", "mids"},
}
_DELETE_FIELDS = {SPAM: {"action", "quarantineType", "mids"}, PVO: {"action", "quarantineType", "quarantineName", "mids"}}
_ADDRESS = re.compile(r"^[^@\s,]+@[^@\s,]+$")


def handle(sim: "Simulator", request: Request) -> Response:
    """Route an API request, check its credentials and return the response."""
    route = _ROUTES.get(request.path[len(API_ROOT):] if request.path.startswith(API_ROOT + "/") else None)
    if route is None:
        return Response.error(404, "Not Found.")
    handler = route.get(request.method)
    if handler is None:
        allowed = ", ".join(sorted(route))
        return Response.error(405, "Method Not Allowed.", {"Allow": allowed})
    if handler is _login:
        return _login(sim, request)
    try:
        result = sim.auth.authenticate(request.headers)
    except ApiError as error:
        return Response.from_error(error)
    try:
        response = handler(sim, request)
    except ApiError as error:
        response = Response.from_error(error)
    response.auth = result.scheme
    response.user = result.user
    if response.status < 400 and sim.auth.needs_refresh(result):
        response.headers["jwtToken"] = sim.auth.issue(result.user)
    return response


def _login(sim: "Simulator", request: Request) -> Response:
    try:
        return Response(200, sim.auth.login(request.body))
    except ApiError as error:
        return Response.from_error(error)


def _search(sim: "Simulator", request: Request) -> Response:
    query = parse_search(request.query, sim.store.types, sim.max_limit)
    total, items = sim.store.search(query)
    return Response(200, {"meta": {"totalCount": total}, "data": items})


def _quarantine_type(params: dict, allowed: tuple[str, ...] = (PVO, SPAM)) -> str:
    qtype = params.get("quarantineType")
    if qtype is None or qtype == "":
        raise missing("quarantineType")
    if qtype not in allowed:
        raise invalid("quarantineType")
    return qtype


def _positive_int(params: dict, name: str) -> int:
    text = params.get(name)
    if text is None or text == "":
        raise missing(name)
    try:
        value = int(text, 10)
    except ValueError as exc:
        raise invalid(name) from exc
    if value < 1:
        raise invalid(name)
    return value


def _details(sim: "Simulator", request: Request) -> Response:
    params = request.query
    qtype = _quarantine_type(params)
    if set(params) - {"mid", "quarantineType"}:
        raise unsupported()
    mid = _positive_int(params, "mid")
    message = sim.store.find(mid, qtype)
    if message is None:
        raise invalid("mid")
    return Response(200, render_details(message, sim.zone))


def _attachment(sim: "Simulator", request: Request) -> Response:
    params = request.query
    # NOTE: only pvo attachments are known to be served, so rejecting spam is a best guess.
    qtype = _quarantine_type(params, (PVO,))
    if set(params) - {"mid", "attachmentId", "quarantineType"}:
        raise unsupported()
    mid = _positive_int(params, "mid")
    attachment_id = _positive_int(params, "attachmentId")
    message = sim.store.find(mid, qtype)
    if message is None:
        raise invalid("mid")
    # Part 1 is the "[message body]" pseudo-part of the details, so attachments start at 2.
    if not 2 <= attachment_id <= len(message.attachments) + 1:
        raise invalid("attachmentId")
    attachment = message.attachments[attachment_id - 2]
    fallback = attachment.name.encode("ascii", "replace").decode("ascii").replace("\\", "_").replace('"', "_")
    disposition = f'attachment; filename="{fallback}"'
    if fallback != attachment.name:
        disposition += f"; filename*=UTF-8''{quote(attachment.name, safe='')}"
    # NOTE: the body is the Base64 text, which PSCiscoSMA and Splunk SOAR decode. Its content type is a guess.
    return Response(200, raw=attachment.base64_text().encode("ascii"), content_type="application/octet-stream",
                    headers={"Content-Disposition": disposition})


def _config_quarantines(sim: "Simulator", request: Request) -> Response:
    params = request.query
    if set(params) - {"device_type", "quarantine_type"}:
        raise unsupported()
    if not params.get("device_type"):
        raise missing("device_type")
    if params["device_type"] != "sma":
        raise invalid("device_type")
    if not params.get("quarantine_type"):
        raise missing("quarantine_type")
    if params["quarantine_type"] != PVO:
        raise invalid("quarantine_type")
    grouped: dict[str, list[str]] = {"system": [], "custom": []}
    for name, kind in sim.store.types.copy().items():
        grouped.setdefault(kind, []).append(name)
    # NOTE: PSCiscoSMA only shows that data.quarantines maps keys to name lists, so the keys are a guess.
    return Response(200, {"data": {"quarantines": grouped}})


def _json_body(request: Request) -> dict:
    if not isinstance(request.body, dict):
        # NOTE: the appliance's response to a missing or malformed body is not documented, so 400 is a guess.
        raise ApiError(400, "Invalid request body - expected a JSON object.")
    return request.body


def _mids(body: dict) -> list[int]:
    if "mids" not in body:
        raise missing("mids")
    mids = body["mids"]
    if not isinstance(mids, list) or not mids or not all(isinstance(mid, int) and not isinstance(mid, bool)
                                                         for mid in mids):
        raise invalid("mids")
    return mids


def _quarantine_name(sim: "Simulator", body: dict, field: str) -> str:
    name = body.get(field)
    if name is None or name == "":
        raise missing(field)
    if not isinstance(name, str) or name not in sim.store.types:
        raise invalid(field)
    return name


def _action_options(sim: "Simulator", body: dict, action: str, quarantine: str) -> tuple[dict, dict]:
    """Validate the action's own fields and return (store options, extra response fields)."""
    if action == "move":
        destination = _quarantine_name(sim, body, "destinationQuarantineName")
        if destination == quarantine:
            raise invalid("destinationQuarantineName")
        return {"destination": destination}, {"destinationQuarantineName": destination}
    if action == "delay":
        text = body.get("delay")
        if text is None or text == "":
            raise missing("delay")
        if not isinstance(text, str):
            raise invalid("delay")
        return {"delay": text, "new_exit": _delay_function(sim, text)}, {"delayedTime": text}
    if action == "sendCopy":
        recipients = body.get("recipients")
        if recipients is None:
            raise missing("recipients")
        if not isinstance(recipients, list) or not recipients or not all(
                isinstance(address, str) and _ADDRESS.match(address) for address in recipients):
            raise invalid("recipients")
        return {"recipients": recipients}, {}
    return {}, {}


def _delay_function(sim: "Simulator", text: str) -> Callable[[float], float]:
    """Turn a delay into a function of the current exit time.

    NOTE: the delay format is undocumented. Accepted as a best guess: an ISO 8601 duration
    (``P2D``, ``PT12H``) added to the scheduled exit, or an absolute future time in the
    query format (``2026-12-24T08:00:00.000Z``) that replaces it.
    """
    seconds = parse_duration(text)
    if seconds is not None:
        return lambda current: current + seconds
    try:
        moment = parse_query_date("delay", text)
    except ApiError as exc:
        raise invalid("delay") from exc
    if moment <= sim.clock():
        raise invalid("delay")
    return lambda _current: moment


def _post_action(sim: "Simulator", request: Request) -> Response:
    body = _json_body(request)
    qtype = _quarantine_type(body)
    action = body.get("action")
    if action is None or action == "":
        raise missing("action")
    fields = _ACTION_FIELDS.get((qtype, action))
    if fields is None:
        raise invalid("action")
    if set(body) - fields:
        raise unsupported()
    quarantine = _quarantine_name(sim, body, "quarantineName") if qtype == PVO else None
    mids = _mids(body)
    options, extra = _action_options(sim, body, action, quarantine or "")
    acted = sim.store.act(action, qtype, quarantine, mids, **options)
    response = Response(200, {"data": {"action": action, "totalCount": len(acted), **extra}})
    response.acted = acted
    return response


def _delete(sim: "Simulator", request: Request) -> Response:
    body = _json_body(request)
    qtype = _quarantine_type(body)
    # NOTE: whether a DELETE may or must carry "action" is undocumented, so "delete" is accepted.
    if body.get("action", "delete") != "delete":
        raise invalid("action")
    if set(body) - _DELETE_FIELDS[qtype]:
        raise unsupported()
    quarantine = _quarantine_name(sim, body, "quarantineName") if qtype == PVO else None
    acted = sim.store.act("delete", qtype, quarantine, _mids(body))
    response = Response(200, {"data": {"action": "delete", "totalCount": len(acted)}})
    response.acted = acted
    return response


_ROUTES: dict[str | None, dict[str, Callable[["Simulator", Request], Response]]] = {
    "/login": {"POST": _login},
    "/quarantine/messages": {"GET": _search, "POST": _post_action, "DELETE": _delete},
    "/quarantine/messages/details": {"GET": _details},
    "/quarantine/messages/attachment": {"GET": _attachment},
    "/config/quarantines": {"GET": _config_quarantines},
}

"""The admin interface under ``/_sim/``: state, request log, resets, message changes and faults.

It exists for tests and benchmarks, needs no credentials, and its own requests are not logged.
Errors use the API's envelope with status 400 (bad input), 404 (unknown path or MID) or 405.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .dataset import DatasetError, parse_entries
from .exchange import Request, Response
from .faults import FaultError

if TYPE_CHECKING:
    from .app import Simulator


class AdminError(Exception):
    """Invalid input to an admin endpoint, with the HTTP ``status`` of the error response."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def handle(sim: "Simulator", request: Request) -> Response:
    """Route one admin request and return its response."""
    path = request.path.rstrip("/")
    if path.startswith("/_sim/messages/"):
        route: dict[str, Callable] | None = {"GET": _message}
    else:
        route = _ROUTES.get(path)
    if route is None:
        return Response.error(404, f"Not Found: {path} is not an admin endpoint; see sma_simulator/README.md.")
    handler = route.get(request.method)
    if handler is None:
        return Response.error(405, f"Method Not Allowed: use {', '.join(sorted(route))} on {path}.",
                              {"Allow": ", ".join(sorted(route))})
    if request.body_error is not None:
        return Response.error(400, f"The request body is not valid JSON ({request.body_error}).")
    try:
        return handler(sim, request)
    except AdminError as error:
        return Response.error(error.status, error.message)


def _int_param(request: Request, name: str, default: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError as exc:
        raise AdminError(f"Query parameter {name}={text!r} is not an integer.") from exc
    if value < 0:
        raise AdminError(f"Query parameter {name}={value} must be 0 or more.")
    return value


def _object_body(request: Request, key: str, example: str) -> list:
    body = request.body
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise AdminError(f"The body must be a JSON object with a \"{key}\" list, for example {example}.")
    return body[key]


def _health(sim: "Simulator", _request: Request) -> Response:
    return Response(200, {"status": "ok", "dataset": sim.dataset_label, "messages": sim.message_count(),
                          "version": sim.store.version})


def _requests(sim: "Simulator", request: Request) -> Response:
    if request.method == "DELETE":
        sim.requests.clear()
        return Response(200, {"cleared": True})
    return Response(200, {"requests": sim.requests.entries(_int_param(request, "since", 0))})


def _stats(sim: "Simulator", _request: Request) -> Response:
    return Response(200, sim.requests.stats())


def _state(sim: "Simulator", request: Request) -> Response:
    quarantine = request.query.get("quarantine")
    names = sim.store.pvo_names()
    if quarantine is not None and quarantine not in names:
        raise AdminError(f"Unknown quarantine {quarantine!r}. Use one of the pvo quarantines: {', '.join(names)}.")
    return Response(200, sim.store.snapshot(quarantine, _int_param(request, "since", 0)))


def _message(sim: "Simulator", request: Request) -> Response:
    text = request.path.rstrip("/").rsplit("/", 1)[1]
    if not text.isdigit():
        raise AdminError(f"{text!r} is not a MID; use /_sim/messages/<integer MID>.")
    item = sim.store.describe(int(text))
    if item is None:
        raise AdminError(f"MID {text} is not known to the simulator.", status=404)
    return Response(200, item)


def _messages(sim: "Simulator", request: Request) -> Response:
    if request.method == "POST":
        entries = _object_body(request, "messages", '{"messages": [dataset entries]}')
        with sim.store.lock:
            held_mids = {mid for mid, state in sim.store.state.items() if state == "quarantined"}
            try:
                messages = parse_entries(entries, "POST /_sim/messages", sim.now(), held_mids=held_mids)
            except DatasetError as exc:
                raise AdminError(str(exc)) from exc
            sim.store.add_messages(messages)
        return Response(200, {"added": [message.mid for message in messages], "version": sim.store.version})
    mids = _object_body(request, "mids", '{"mids": [440, 439]}')
    if not all(isinstance(mid, int) and not isinstance(mid, bool) for mid in mids):
        raise AdminError("\"mids\" must be a list of integers.")
    removed = sim.store.remove_messages(mids, "expired")
    return Response(200, {"removed": removed, "version": sim.store.version})


def _faults(sim: "Simulator", request: Request) -> Response:
    if request.method == "DELETE":
        sim.faults.clear()
    elif request.method == "POST":
        try:
            sim.set_faults(request.body, append=request.query.get("append") in ("1", "true"),
                           source="POST /_sim/faults")
        except FaultError as exc:
            raise AdminError(str(exc)) from exc
    return Response(200, {"faults": sim.faults.describe()})


def _reset(sim: "Simulator", _request: Request) -> Response:
    sim.reset()
    return Response(200, {"reset": True, "version": sim.store.version, "messages": sim.message_count()})


def _expire_tokens(sim: "Simulator", _request: Request) -> Response:
    sim.auth.expire_all()
    return Response(200, {"expired": True})


_ROUTES: dict[str, dict[str, Callable[["Simulator", Request], Response]]] = {
    "/_sim/health": {"GET": _health},
    "/_sim/requests": {"GET": _requests, "DELETE": _requests},
    "/_sim/stats": {"GET": _stats},
    "/_sim/state": {"GET": _state},
    "/_sim/messages": {"POST": _messages, "DELETE": _messages},
    "/_sim/faults": {"GET": _faults, "POST": _faults, "DELETE": _faults},
    "/_sim/reset": {"POST": _reset},
    "/_sim/tokens/expire": {"POST": _expire_tokens},
}

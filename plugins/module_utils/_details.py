# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: message details and attachment downloads.

``GET /quarantine/messages/details`` returns one message's envelope, headers, per-quarantine
details, message parts and matched content. ``GET /quarantine/messages/attachment`` returns one
part as Base64 text, with its file name in ``Content-Disposition``. The PSCiscoSMA PowerShell
module and Splunk SOAR's ciscosma connector read both this way. Downloaded bytes are only
written to a file: never executed, opened or parsed.
"""

from __future__ import annotations

import base64
import binascii
import email.message
import email.utils
import hashlib
import os
import re
import tempfile

from ansible_collections.mailops.sma.plugins.module_utils._dates import format_iso, parse_display_date
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaApiError, SmaInputError, SmaProtocolError
from ansible_collections.mailops.sma.plugins.module_utils._http import SmaClient
from ansible_collections.mailops.sma.plugins.module_utils._query import address_domain, extract_address, split_addresses

DETAILS_PATH = '/quarantine/messages/details'
ATTACHMENT_PATH = '/quarantine/messages/attachment'
# The pseudo-part that the details list first for the message text; PSCiscoSMA skips it.
BODY_PART_NAME = '[message body]'
_SIZE = re.compile(r'^\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*$', re.IGNORECASE)
_UNFOLD = re.compile(r'\r?\n[ \t]+')
_UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f/\\]')
MAX_FILENAME_BYTES = 255


class DownloadClient(SmaClient):
    """An SmaClient that can also return an undecoded response, for the attachment endpoint.

    The attachment body is Base64 text, not JSON, so it must bypass the client's JSON decoding.
    Everything else (auth, TLS, timeout, retries, error envelopes) stays the client's own.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._return_raw = False

    def get_raw(self, path, params):
        """Send an idempotent GET and return the ``requests`` response instead of decoded JSON."""
        self._return_raw = True
        try:
            return self.request('GET', path, params=params, idempotent=True)
        finally:
            self._return_raw = False

    def _decode(self, response, method, url):
        if self._return_raw:
            return response
        return super()._decode(response, method, url)


def read_details(client, mid, quarantine_type):
    """Return the ``data`` object of one message's details, or None when the appliance does not hold the MID."""
    try:
        payload = client.get(DETAILS_PATH, {'mid': mid, 'quarantineType': quarantine_type})
    except SmaApiError as error:
        if error.status == 404 and 'mid' in (error.api_message or '').lower():
            return None
        raise
    data = payload.get('data') if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise SmaProtocolError('SMA returned details for MID %d without a data object' % mid)
    return data


def normalize_details(data, quarantine_type, include_body=False):
    """Turn a details ``data`` object into a snake_case record with the same keys for pvo and spam."""
    attributes = data.get('attributes') or {}
    if quarantine_type == 'spam':
        record = _spam_details(attributes)
    else:
        record = _pvo_details(attributes)
    record['mid'] = int(data.get('mid'))
    record['quarantine_type'] = quarantine_type
    record['message_body'] = attributes.get('messageBody') if include_body else None
    return record


def _pvo_details(attributes):
    message = attributes.get('messageDetails') or {}
    sender = extract_address(message.get('sender') or '')
    quarantines = [_quarantine_entry(entry) for entry in attributes.get('quarantineDetails') or []]
    parts = []
    for part in attributes.get('messagePartDetails') or []:
        name = part.get('attachmentName')
        parts.append({'id': part.get('attachmentId'), 'name': name, 'size': part.get('attachmentSize'),
                      'is_body': name == BODY_PART_NAME})
    headers_raw = attributes.get('headers') or ''
    return {
        'sender': sender,
        'sender_domain': address_domain(sender),
        'recipients': [extract_address(r) for r in split_addresses(message.get('recipient'))],
        'from_address': list(message.get('fromAddress') or []),
        'to_address': [],
        'subject': message.get('subject') or '',
        'received': quarantines[0]['received'] if quarantines else None,
        'quarantines': quarantines,
        'parts': parts,
        'attachments': [{'id': p['id'], 'name': p['name'], 'size': p['size']} for p in parts if not p['is_body']],
        'matched_contents': list(attributes.get('matchedContents') or []),
        'headers': parse_headers(headers_raw),
        'headers_raw': headers_raw,
    }


def _quarantine_entry(entry):
    return {
        'name': entry.get('quarantineName'),
        'reasons': list(entry.get('reason') or []),
        'received': format_iso(parse_display_date(entry.get('received'))),
        'received_raw': entry.get('received'),
        'scheduled_exit': format_iso(parse_display_date(entry.get('scheduledExit'))),
        'scheduled_exit_raw': entry.get('scheduledExit'),
        'esa_hostname': entry.get('esaHostName'),
        'esa_ip': entry.get('originatingEsaIp'),
    }


def _spam_details(attributes):
    from_address = list(attributes.get('fromAddress') or [])
    sender = extract_address(from_address[0]) if from_address else ''
    received_raw = attributes.get('date')
    received = format_iso(parse_display_date(received_raw))
    spam_entry = {'name': 'spam', 'reasons': [], 'received': received, 'received_raw': received_raw,
                  'scheduled_exit': None, 'scheduled_exit_raw': None, 'esa_hostname': None, 'esa_ip': None}
    return {
        'sender': sender,
        'sender_domain': address_domain(sender),
        'recipients': [extract_address(r) for r in split_addresses(attributes.get('envelopeRecipient'))],
        'from_address': from_address,
        'to_address': split_addresses(attributes.get('toAddress')),
        'subject': attributes.get('subject') or '',
        'received': received,
        'quarantines': [spam_entry],
        'parts': [],
        # The spam details list attachment names only, without IDs or sizes.
        'attachments': [{'id': None, 'name': name, 'size': None} for name in attributes.get('attachments') or []],
        'matched_contents': [],
        'headers': [],
        'headers_raw': '',
    }


def parse_headers(text):
    """Split a header block into ``[{'name', 'value'}]`` in order, keeping repeated headers and unfolding lines."""
    headers = []
    for line in _UNFOLD.sub(' ', text or '').splitlines():
        if not line.strip():
            break
        name, separator, value = line.partition(':')
        if not separator or not name.strip() or ' ' in name.strip():
            continue
        headers.append({'name': name.strip(), 'value': value.strip()})
    return headers


def find_part(record, attachment_id=None, name=None):
    """Return the attachment part of ``record`` with ``attachment_id`` or ``name``; raise SmaInputError when none matches."""
    candidates = [part for part in record['parts'] if not part['is_body']]
    if attachment_id is not None:
        matches = [part for part in candidates if part['id'] == attachment_id]
        description = 'id %d' % attachment_id
    else:
        matches = [part for part in candidates if part['name'] == name]
        description = "name '%s'" % name
    listed = ', '.join('%s (id %s)' % (part['name'], part['id']) for part in candidates) or 'none'
    if not matches:
        raise SmaInputError('MID %d has no attachment with %s; its attachments are: %s'
                            % (record['mid'], description, listed))
    if len(matches) > 1:
        raise SmaInputError('MID %d has %d attachments named %s; give attachment.id instead (attachments: %s)'
                            % (record['mid'], len(matches), name, listed))
    return matches[0]


def estimated_bytes(size_text):
    """Return a lower bound of the decoded size of a part whose details size is ``size_text``, or None.

    The details show a human size such as ``120.3K`` that, per PSCiscoSMA, counts the Base64
    text. Reading K as 1000 and taking three quarters gives a lower bound whichever way the
    appliance counts, so only clearly oversized parts are rejected before the download.
    """
    match = _SIZE.match(str(size_text or ''))
    if not match:
        return None
    number, unit = match.groups()
    factor = {'': 1, 'K': 1000, 'M': 1000 ** 2, 'G': 1000 ** 3}[unit.upper()]
    return int(float(number) * factor * 3 / 4)


def filename_from_disposition(header):
    """Return the file name of a ``Content-Disposition`` header (``filename*=`` first, then ``filename=``), or None."""
    if not header:
        return None
    message = email.message.Message()
    message['Content-Disposition'] = header
    plain = None
    for key, value in message.get_params(header='content-disposition', failobj=[])[1:]:
        if key.lower() != 'filename':
            continue
        # The standard library decodes "filename*=UTF-8''..." into a (charset, language, text) tuple;
        # RFC 6266 gives that form precedence over a plain "filename=".
        if isinstance(value, tuple):
            return email.utils.collapse_rfc2231_value(value)
        if plain is None:
            plain = email.utils.unquote(value)
    return plain


def safe_filename(name):
    """Return ``name`` reduced to a plain file name that cannot leave the destination folder, or None."""
    if not name:
        return None
    text = str(name).replace('\\', '/').rsplit('/', 1)[-1]
    text = _UNSAFE_NAME_CHARACTERS.sub('_', text).strip()
    if text.startswith('.'):
        text = '_' + text.lstrip('.')
    if text in ('', '_'):
        return None
    if len(text.encode('utf-8')) > MAX_FILENAME_BYTES:
        # Shorten the stem and keep a short extension, so the type stays visible.
        stem, dot, extension = text.rpartition('.')
        if not dot or len(extension) > 16:
            stem, extension = text, ''
        suffix = '.' + extension if extension else ''
        room = MAX_FILENAME_BYTES - len(suffix.encode('utf-8'))
        text = stem.encode('utf-8')[:room].decode('utf-8', 'ignore') + suffix
    return text


def download_attachment(client, mid, attachment_id, max_size):
    """Download one pvo attachment; return ``(content bytes, file name from Content-Disposition or None)``.

    The body is read whole before it is checked, because the client does not stream. A body
    whose Base64 text alone is too large for ``max_size`` is rejected before it is decoded.
    """
    response = client.get_raw(ATTACHMENT_PATH, {'mid': mid, 'attachmentId': attachment_id, 'quarantineType': 'pvo'})
    text = b''.join(response.content.split())
    if len(text) * 3 // 4 > max_size + 2:
        raise SmaInputError('attachment %d of MID %d is about %d bytes, more than attachment.max_size %d; nothing was '
                            'written. Raise max_size to download it' % (attachment_id, mid, len(text) * 3 // 4, max_size))
    # NOTE: the Base64 body is known from PSCiscoSMA and Splunk SOAR's ciscosma connector, which
    # decode it; no recorded appliance response shows it.
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SmaProtocolError('SMA returned attachment %d of MID %d in a form that is not Base64 text; nothing was '
                               'written' % (attachment_id, mid))
    if len(content) > max_size:
        raise SmaInputError('attachment %d of MID %d is %d bytes, more than attachment.max_size %d; nothing was written. '
                            'Raise max_size to download it' % (attachment_id, mid, len(content), max_size))
    return content, filename_from_disposition(response.headers.get('Content-Disposition'))


def resolve_destination(dest, names):
    """Return the file path for a download: ``dest`` itself, or a safe name from ``names`` inside folder ``dest``.

    ``dest`` is a folder when it exists as one or ends with a slash. ``names`` are tried in
    order: the server's file name, the name in the details, then a fallback.
    """
    if dest.endswith(os.sep) or os.path.isdir(dest):
        if not os.path.isdir(dest):
            raise SmaInputError("attachment.dest folder '%s' does not exist; create it first" % dest)
        for name in names:
            cleaned = safe_filename(name)
            if cleaned:
                return os.path.join(dest, cleaned)
        raise SmaInputError('no usable file name for the attachment; give attachment.dest as a file path')
    parent = os.path.dirname(os.path.abspath(dest))
    if not os.path.isdir(parent):
        raise SmaInputError("the folder of attachment.dest '%s' does not exist; create it first" % dest)
    return dest


def sha256_of_file(path):
    """Return the SHA-256 hex digest of a file, or None when it does not exist."""
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(65536), b''):
            digest.update(block)
    return digest.hexdigest()


def write_file(path, content):
    """Write ``content`` to ``path`` atomically, readable and writable by the owner only, never executable."""
    descriptor, temporary = tempfile.mkstemp(prefix='.sma-attachment.', dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(descriptor, 'wb') as handle:
            handle.write(content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise

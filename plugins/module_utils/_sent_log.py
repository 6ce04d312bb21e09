# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: the file that records which quarantine copies were already sent.

A copy leaves no trace that the API can read back: the message stays in the quarantine as
before. To make a second run send nothing twice, the copy module records every (appliance,
MID, recipient) it sent in a JSON file on the host that runs the module, and skips those.
"""

from __future__ import annotations

import json
import os
import re
import tempfile

from ansible_collections.mailops.sma.plugins.module_utils._dates import format_iso, utc_now
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaError, SmaInputError

FORMAT_VERSION = 1
_ADDRESS = re.compile(r'^[^@\s,<>"]+@[^@\s,<>"]+\.[^@\s,<>"]+$')


def normalize_recipients(values):
    """Validate copy recipients and return them lower-cased, without duplicates, in the given order."""
    result = []
    for value in values or []:
        address = str(value).strip().lower()
        if not _ADDRESS.match(address):
            raise SmaInputError("recipients entry '%s' is not an email address; use a bare address such as "
                                "analyst@example.com" % value)
        if address not in result:
            result.append(address)
    if not result:
        raise SmaInputError('recipients is empty: give at least one address to send the copies to')
    return result


class SentLogError(SmaError):
    """The sent log could not be read or written."""


class SentLog:
    """Copies already sent, keyed by appliance URL, MID and recipient, kept in a JSON file."""

    def __init__(self, path):
        self.path = path
        self.entries = []
        self._keys = set()
        if path and os.path.exists(path):
            self._load()

    def _load(self):
        try:
            with open(self.path, 'r', encoding='utf-8') as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            raise SentLogError("sent_log '%s' cannot be read as JSON (%s); point sent_log at a new file or restore "
                               "this one" % (self.path, error))
        if not isinstance(data, dict) or data.get('version') != FORMAT_VERSION or not isinstance(data.get('copies'), list):
            raise SentLogError("sent_log '%s' is not a sent log written by mailops.sma.sma_quarantine_copy (expected "
                               "version %d with a copies list); point sent_log at a new file" % (self.path, FORMAT_VERSION))
        for entry in data['copies']:
            try:
                key = (str(entry['appliance']), int(entry['mid']), str(entry['recipient']).lower())
            except (KeyError, TypeError, ValueError):
                raise SentLogError("sent_log '%s' has an invalid entry %r; each entry needs appliance, mid and "
                                   "recipient" % (self.path, entry))
            self._add(key, entry)

    def _add(self, key, entry):
        if key not in self._keys:
            self._keys.add(key)
            self.entries.append(entry)

    def missing(self, appliance, mid, recipients):
        """Return the recipients that have no recorded copy of ``mid`` yet."""
        return [address for address in recipients if (appliance, mid, address) not in self._keys]

    def record(self, appliance, quarantine, mid, recipients):
        """Remember that a copy of ``mid`` was sent to each of ``recipients`` now."""
        sent = format_iso(utc_now())
        for address in recipients:
            self._add((appliance, mid, address), {'appliance': appliance, 'quarantine': quarantine, 'mid': mid,
                                                  'recipient': address, 'sent': sent})

    def save(self):
        """Write the log atomically (a temporary file in the same folder, then a rename), readable by the owner only."""
        folder = os.path.dirname(os.path.abspath(self.path))
        try:
            descriptor, temporary = tempfile.mkstemp(prefix='.sent_log.', dir=folder)
        except OSError as error:
            raise SentLogError("sent_log '%s' cannot be written (%s); copies were sent but are not recorded, so a "
                               "re-run sends them again" % (self.path, error))
        try:
            with os.fdopen(descriptor, 'w', encoding='utf-8') as handle:
                json.dump({'version': FORMAT_VERSION, 'copies': self.entries}, handle, indent=1, sort_keys=True)
                handle.write('\n')
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except OSError as error:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise SentLogError("sent_log '%s' cannot be written (%s); copies were sent but are not recorded, so a "
                               "re-run sends them again" % (self.path, error))

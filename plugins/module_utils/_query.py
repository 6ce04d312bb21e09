# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: the quarantine query model, exact matching and message records.

The server-side filters only narrow a search. Every message the appliance returns is
checked again here, and what fails the exact check is reported as rejected, never acted on.
"""

from __future__ import annotations

import re

from ansible_collections.mailops.sma.plugins.module_utils._dates import format_api, format_iso, parse_display_date
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError

QUARANTINE_TYPES = ('pvo', 'spam')

# User-facing operator names, mapped to each quarantine type's own vocabulary. The pvo names
# come from Splunk SOAR's Cisco SMA connector constants; the spam names from Cortex XSOAR's
# CiscoSMA integration. The spam quarantine has no negated forms besides does_not_contain.
OPERATORS = ('contains', 'starts_with', 'ends_with', 'is', 'does_not_contain', 'does_not_start_with',
             'does_not_end_with', 'is_not')
PVO_OPERATORS = {
    'contains': 'contains', 'starts_with': 'starts_with', 'ends_with': 'ends_with', 'is': 'matches_exactly',
    'does_not_contain': 'does_not_contain', 'does_not_start_with': 'does_not_start_with',
    'does_not_end_with': 'does_not_end_with', 'is_not': 'does_not_match',
}
SPAM_OPERATORS = {
    'contains': 'contains', 'starts_with': 'begins_with', 'ends_with': 'ends_with', 'is': 'is',
    'does_not_contain': 'does_not_contain',
}
OPERATOR_ALIASES = {'matches_exactly': 'is', 'begins_with': 'starts_with', 'does_not_match': 'is_not', 'equals': 'is'}

_DOMAIN = re.compile(r'^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$')
_ADDRESS_IN_BRACKETS = re.compile(r'<([^<>]*)>')
# Runs of quoted strings and characters other than a comma: the parts of a comma-joined address list.
_QUOTE_AWARE_PARTS = re.compile(r'(?:"[^"]*"|[^,"])+')

# Parsed result dates by their text. The appliance shows whole minutes, so even a large quarantine
# contains few distinct values, and parsing each one once saves most of the per-message time of a
# 100,000-message scan. The cache is emptied when it reaches _DATE_CACHE_MAX entries.
_DATE_CACHE = {}
_DATE_CACHE_MAX = 65536

RECORD_FIELDS = ('mid', 'quarantine_type', 'sender', 'sender_domain', 'recipients', 'from_address', 'to_address',
                 'subject', 'received', 'received_raw', 'scheduled_exit', 'size', 'in_quarantines', 'reasons',
                 'esa_hostname', 'esa_mid', 'esa_ip')


def canonical_operator(operator, option):
    """Return the user-facing operator name for ``operator`` or raise SmaInputError."""
    name = str(operator or '').strip().lower()
    name = OPERATOR_ALIASES.get(name, name)
    if name not in OPERATORS:
        raise SmaInputError("%s.operator '%s' is not supported; use one of: %s" % (option, operator, ', '.join(OPERATORS)))
    return name


def match_operator(operator, value, candidates):
    """Apply a user-facing operator case-insensitively to a list of candidate strings.

    A positive operator holds when any candidate satisfies it. A negated one holds when
    no candidate violates it, so a message with one matching recipient is excluded by
    ``does_not_contain``.
    """
    needle = value.lower()
    texts = [c.lower() for c in candidates if c is not None]
    checks = {
        'contains': lambda t: needle in t, 'starts_with': lambda t: t.startswith(needle),
        'ends_with': lambda t: t.endswith(needle), 'is': lambda t: t == needle,
    }
    if operator in checks:
        return any(checks[operator](t) for t in texts)
    positive = {'does_not_contain': 'contains', 'does_not_start_with': 'starts_with',
                'does_not_end_with': 'ends_with', 'is_not': 'is'}[operator]
    return not any(checks[positive](t) for t in texts)


def normalize_domain(domain):
    """Validate a ``sender_domain`` entry and return it in lower case."""
    text = str(domain or '').strip().lower().rstrip('.')
    if '@' in text:
        raise SmaInputError("sender_domain '%s' contains '@'; give only the part after the @, for example "
                            "'example.com'" % domain)
    if not _DOMAIN.match(text) or '.' not in text:
        raise SmaInputError("sender_domain '%s' is not a domain name; use a name such as 'example.com'" % domain)
    return text


def extract_address(text):
    """Return the bare address of ``Name <user@host>`` or ``user@host``, lower-cased."""
    if not text:
        return ''
    address = text
    if '<' in text:
        found = _ADDRESS_IN_BRACKETS.findall(text)
        if found:
            address = found[-1]
    return address.strip().strip('"').lower()


def address_domain(address):
    """Return the part after the last ``@``, lower-cased without a trailing dot, or ''."""
    if not address or '@' not in address:
        return ''
    return address.rsplit('@', 1)[1].strip().lower().rstrip('.')


def split_addresses(values):
    """Flatten address lists whose entries may hold several comma-joined addresses.

    A comma inside a quoted display name, as in ``"Doe, Jane" <jane@example.com>``, does not split.
    """
    if isinstance(values, str):
        values = [values]
    result = []
    for value in values or []:
        text = str(value)
        for part in _QUOTE_AWARE_PARTS.findall(text) if '"' in text else text.split(','):
            part = part.strip()
            if part:
                result.append(part)
    return result


def bare_addresses(values):
    """Return the bare, lower-cased addresses of an address list, as ``split_addresses`` then ``extract_address``."""
    result = []
    for value in values or ():
        text = value if isinstance(value, str) else str(value)
        if ',' in text:
            result.extend(extract_address(part) for part in split_addresses((text,)))
        else:
            # One address per entry is the common case: skip the split.
            text = text.strip()
            if text:
                result.append(extract_address(text))
    return result


class Selection:
    """A search: quarantine type and names, UTC window and filters.

    ``filters`` maps ``sender``, ``recipient`` and ``subject`` to ``(operator, value)`` with
    user-facing operator names. ``domains`` is a tuple of lower-case sender domains.
    """

    def __init__(self, quarantine_type, quarantines, start, end, filters=None, domains=(), include_subdomains=False,
                 mids=None):
        if quarantine_type not in QUARANTINE_TYPES:
            raise SmaInputError("quarantine_type '%s' is not supported; use pvo or spam" % quarantine_type)
        self.quarantine_type = quarantine_type
        self.quarantines = tuple(quarantines or ())
        self.start = start
        self.end = end
        self.filters = dict(filters or {})
        self.domains = tuple(domains)
        self.include_subdomains = bool(include_subdomains)
        self.mids = None if mids is None else frozenset(mids)

    def has_criteria(self):
        """Tell whether anything narrows the selection (filters, domains or MIDs)."""
        return bool(self.filters or self.domains or self.mids is not None)

    def describe(self):
        """Return the scope as plain data for results and manifests."""
        return {
            'quarantine_type': self.quarantine_type,
            'quarantines': list(self.quarantines),
            'received_after': format_iso(self.start),
            'received_before': format_iso(self.end),
            'filters': {name: {'operator': op, 'value': value} for name, (op, value) in sorted(self.filters.items())},
            'sender_domain': list(self.domains),
            'include_subdomains': self.include_subdomains,
            'mids': None if self.mids is None else sorted(self.mids),
        }

    # -- server-side query -------------------------------------------------------

    def server_params(self, quarantine=None):
        """Build the search parameters for one quarantine (pvo) or the spam quarantine.

        Returns ``(params, server_filters)`` where ``server_filters`` names the filters
        the appliance applies, for the scope report.
        """
        params = {
            'quarantineType': self.quarantine_type,
            'startDate': format_api(self.start),
            'endDate': format_api(self.end),
        }
        if self.quarantine_type == 'pvo':
            params['quarantines'] = quarantine
            params['orderBy'] = 'received'
            params['orderDir'] = 'asc'
            applied = self._pvo_filters(params)
        else:
            params['orderBy'] = 'date'
            params['orderDir'] = 'asc'
            applied = self._spam_filters(params)
        return params, applied

    def _narrowing_sender(self):
        """Return the sender filter to send to the appliance: the user's, or one domain as 'contains'."""
        if 'sender' in self.filters:
            return self.filters['sender']
        if len(self.domains) == 1:
            # "contains" and not "ends_with @domain": the server also returns sub-domains and
            # look-alikes, which the exact check then reports as rejected.
            return ('contains', self.domains[0])
        return None

    def _pvo_filters(self, params):
        applied = []
        sender = self._narrowing_sender()
        for name, prefix, spec in (('sender', 'envelopeSender', sender),
                                   ('recipient', 'envelopeRecipient', self.filters.get('recipient')),
                                   ('subject', 'subject', self.filters.get('subject'))):
            if spec is None:
                continue
            operator, value = spec
            params[prefix + 'FilterBy'] = PVO_OPERATORS[operator]
            params[prefix + 'FilterValue'] = value
            applied.append(name)
        return applied

    def _spam_filters(self, params):
        applied = []
        # The spam search takes one filterBy at a time; the sender wins, and the subject
        # is then checked on the client only.
        sender = self._narrowing_sender()
        for name, field, spec in (('sender', 'from_address', sender), ('subject', 'subject', self.filters.get('subject'))):
            if spec is None:
                continue
            operator, value = spec
            if operator in SPAM_OPERATORS:
                params['filterBy'] = field
                params['filterOperator'] = SPAM_OPERATORS[operator]
                params['filterValue'] = value
                applied.append(name)
                break
        recipient = self.filters.get('recipient')
        if recipient is not None and recipient[0] in SPAM_OPERATORS:
            params['envelopeRecipientFilterOperator'] = SPAM_OPERATORS[recipient[0]]
            params['envelopeRecipientFilterValue'] = recipient[1]
            applied.append('recipient')
        return applied

    # -- client-side exact check -------------------------------------------------

    def check(self, record):
        """Return None when ``record`` matches exactly, else the reason it does not."""
        if self.mids is not None and record['mid'] not in self.mids:
            return 'MID %s is not in the requested mids' % record['mid']
        if self.domains:
            reason = self._check_domain(record['sender_domain'])
            if reason:
                return reason
        for name in ('sender', 'recipient', 'subject'):
            if name not in self.filters:
                continue
            operator, value = self.filters[name]
            candidates = _filter_candidates(record, name)
            if not match_operator(operator, value, candidates):
                return "%s does not satisfy %s '%s' (%s)" % (name, operator, value, ', '.join(candidates) or 'empty')
        if record['received_dt'] is not None and not self.start <= record['received_dt'] < self.end:
            return 'received %s is outside the window' % record['received']
        return None

    def _check_domain(self, domain):
        if not domain:
            return 'sender has no domain'
        for wanted in self.domains:
            if domain == wanted:
                return None
            if domain.endswith('.' + wanted):
                if self.include_subdomains:
                    return None
                return ("sender domain '%s' is a sub-domain of '%s'; set include_subdomains: true to include it"
                        % (domain, wanted))
        return "sender domain '%s' is not %s" % (domain, ' or '.join("'%s'" % d for d in self.domains))


def _filter_candidates(record, name):
    if name == 'sender':
        values = [record['sender']] + list(record['from_address'])
        return [v for v in values if v]
    if name == 'recipient':
        return list(record['recipients'])
    return [record['subject'] or '']


def build_selection(quarantine_type, quarantines, window, sender=None, recipient=None, subject=None,
                    sender_domain=None, include_subdomains=False, mids=None):
    """Validate the user's selection options and return a Selection."""
    if quarantine_type not in QUARANTINE_TYPES:
        raise SmaInputError("quarantine_type '%s' is not supported; use pvo or spam" % quarantine_type)
    names = [str(q).strip() for q in (quarantines or []) if str(q).strip()]
    if quarantine_type == 'pvo' and not names:
        raise SmaInputError('quarantines is empty: name at least one policy, virus or outbreak quarantine, '
                            'for example Policy or TEST_QUARANTINE')
    if quarantine_type == 'spam' and names:
        raise SmaInputError("the spam quarantine has no names; remove quarantines (got %s) or use quarantine_type: pvo"
                            % ', '.join(names))
    filters = {}
    for option, spec in (('sender', sender), ('recipient', recipient), ('subject', subject)):
        if not spec:
            continue
        operator = canonical_operator(spec.get('operator') or 'contains', option)
        value = spec.get('value')
        if value is None or str(value) == '':
            raise SmaInputError('%s.value is empty; give the text to match, or remove %s' % (option, option))
        if quarantine_type == 'spam' and operator not in SPAM_OPERATORS:
            raise SmaInputError("%s.operator '%s' is not available for the spam quarantine; use one of: %s"
                                % (option, operator, ', '.join(SPAM_OPERATORS)))
        filters[option] = (operator, str(value))
    domains = tuple(dict.fromkeys(normalize_domain(d) for d in (sender_domain or [])))
    mid_set = None
    if mids is not None:
        mid_set = set()
        for mid in mids:
            mid_set.add(parse_mid(mid))
    start, end = window
    return Selection(quarantine_type, names, start, end, filters, domains, include_subdomains, mid_set)


def parse_mid(value):
    """Return ``value`` as a positive int MID or raise SmaInputError."""
    try:
        mid = int(str(value).strip())
    except (TypeError, ValueError):
        raise SmaInputError("mid '%s' is not a number; MIDs are the positive integers the quarantine search returns"
                            % value)
    if mid <= 0:
        raise SmaInputError("mid '%s' is not positive; MIDs are positive integers" % value)
    return mid


def normalize_item(item, quarantine_type):
    """Turn one search item into a snake_case record.

    The record keeps ``received_dt`` (an aware datetime) for window checks; callers drop it
    before returning the record to Ansible.
    """
    attributes = item.get('attributes') or {}
    if quarantine_type == 'spam':
        return _normalize_spam(item, attributes)
    return _normalize_pvo(item, attributes)


def display_date(text):
    """Return ``(aware UTC datetime, ISO 8601 text)`` for a result date, both None when it does not parse."""
    try:
        return _DATE_CACHE[text]
    except KeyError:
        pass
    except TypeError:
        return None, None
    moment = parse_display_date(text)
    parsed = (moment, format_iso(moment))
    if len(_DATE_CACHE) >= _DATE_CACHE_MAX:
        _DATE_CACHE.clear()
    _DATE_CACHE[text] = parsed
    return parsed


def _normalize_pvo(item, attributes):
    # This runs once per message of a scan, so it reads each attribute once through a local.
    get = attributes.get
    sender = extract_address(get('sender') or '')
    received_raw = get('received')
    received, received_iso = display_date(received_raw)
    quarantines = [q.strip() for q in str(get('inQuarantines') or '').split(',') if q.strip()]
    reasons = []
    for entry in get('quarantineForReasonDict') or ():
        name = entry.get('quarantineName')
        reasons.append({'quarantine': name, 'reasons': list(entry.get('reason') or ())})
        if name and name not in quarantines:
            quarantines.append(name)
    return {
        'mid': int(item.get('mid')),
        'quarantine_type': 'pvo',
        'sender': sender,
        'sender_domain': address_domain(sender),
        'recipients': bare_addresses(get('recipient')),
        'from_address': list(get('fromAddress') or ()),
        'to_address': [],
        'subject': get('subject') or '',
        'received': received_iso,
        'received_dt': received,
        'received_raw': received_raw,
        'scheduled_exit': display_date(get('scheduledExit'))[1],
        'size': get('size'),
        'in_quarantines': quarantines,
        'reasons': reasons,
        'esa_hostname': get('esaHostName'),
        'esa_mid': get('esaMid'),
        'esa_ip': get('originatingEsaIp'),
    }


def _normalize_spam(item, attributes):
    from_address = list(attributes.get('fromAddress') or [])
    sender = extract_address(from_address[0]) if from_address else ''
    received_raw = attributes.get('date')
    received, received_iso = display_date(received_raw)
    return {
        'mid': int(item.get('mid')),
        'quarantine_type': 'spam',
        'sender': sender,
        'sender_domain': address_domain(sender),
        'recipients': bare_addresses(attributes.get('envelopeRecipient')),
        'from_address': from_address,
        'to_address': split_addresses(attributes.get('toAddress')),
        'subject': attributes.get('subject') or '',
        'received': received_iso,
        'received_dt': received,
        'received_raw': received_raw,
        'scheduled_exit': None,
        'size': attributes.get('size'),
        'in_quarantines': ['spam'],
        'reasons': [],
        'esa_hostname': None,
        'esa_mid': None,
        'esa_ip': None,
    }


def fingerprint(record):
    """Return what identifies a message across MIDs, as a hashable tuple to compare.

    A message that is released and quarantined again (for example after a rescan) gets a new
    MID but keeps its sender, recipients, subject, received time, ESA MID and ESA host. A
    tuple, not a digest, because a scan computes one per message and only compares them.
    """
    return (record['sender'], tuple(sorted(record['recipients'])), record['subject'] or '',
            record['received'] or record['received_raw'] or '', str(record['esa_mid'] or ''),
            (record['esa_hostname'] or '').lower())


def public_record(record, fields=None):
    """Return the record as returned to Ansible: without internal keys, optionally only ``fields``."""
    if fields:
        return {name: record[name] for name in fields if name in record}
    return {name: record[name] for name in RECORD_FIELDS}

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sma.plugins.module_utils._details import (
    MAX_FILENAME_BYTES,
    estimated_bytes,
    filename_from_disposition,
    find_part,
    parse_headers,
    resolve_destination,
    safe_filename,
)
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError


@pytest.mark.parametrize('header, name', [
    ('attachment; filename="invoice.pdf"', 'invoice.pdf'),
    ('attachment; filename=invoice.pdf', 'invoice.pdf'),
    ("attachment; filename=\"_.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf", '€ rates.pdf'),
    ("attachment; filename*=UTF-8''caf%C3%A9.txt; filename=\"cafe.txt\"", 'café.txt'),
    ('attachment', None),
    ('', None),
    (None, None),
])
def test_filename_from_disposition(header, name):
    assert filename_from_disposition(header) == name


@pytest.mark.parametrize('name, safe', [
    ('report.pdf', 'report.pdf'),
    ('../../etc/passwd', 'passwd'),
    ('C:\\Users\\x\\evil.exe', 'evil.exe'),
    ('.bashrc', '_bashrc'),
    ('a\x00b\nc.txt', 'a_b_c.txt'),
    ('..', None),
    ('/', None),
    ('', None),
    (None, None),
])
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_safe_filename_shortens_long_names_keeping_extension():
    name = safe_filename('é' * 300 + '.pdf')
    assert len(name.encode('utf-8')) <= MAX_FILENAME_BYTES
    assert name.endswith('.pdf')


@pytest.mark.parametrize('text, size', [('120.3K', 90225), ('2K', 1500), ('1.5M', 1125000), ('800', 600),
                                        ('', None), ('big', None), (None, None)])
def test_estimated_bytes(text, size):
    assert estimated_bytes(text) == size


def test_parse_headers_keeps_order_and_repeats():
    text = 'Received: from a\r\n\tby b\r\nSubject: Hi: there\r\nX-A: 1\r\nX-A: 2\r\n\r\nBody: not a header'
    assert parse_headers(text) == [
        {'name': 'Received', 'value': 'from a by b'},
        {'name': 'Subject', 'value': 'Hi: there'},
        {'name': 'X-A', 'value': '1'},
        {'name': 'X-A', 'value': '2'},
    ]


def test_parse_headers_empty():
    assert parse_headers('') == []
    assert parse_headers(None) == []


RECORD = {'mid': 7, 'parts': [
    {'id': 1, 'name': '[message body]', 'size': '1K', 'is_body': True},
    {'id': 2, 'name': 'a.pdf', 'size': '1K', 'is_body': False},
    {'id': 3, 'name': 'a.pdf', 'size': '2K', 'is_body': False},
    {'id': 4, 'name': 'b.txt', 'size': '1K', 'is_body': False},
]}


def test_find_part_by_id_and_name():
    assert find_part(RECORD, attachment_id=3)['size'] == '2K'
    assert find_part(RECORD, name='b.txt')['id'] == 4


def test_find_part_never_returns_body():
    with pytest.raises(SmaInputError, match='MID 7 has no attachment with id 1'):
        find_part(RECORD, attachment_id=1)


def test_find_part_ambiguous_name():
    with pytest.raises(SmaInputError, match='MID 7 has 2 attachments named a.pdf; give attachment.id instead'):
        find_part(RECORD, name='a.pdf')


def test_resolve_destination(tmp_path):
    assert resolve_destination(str(tmp_path), [None, '../x.pdf']) == str(tmp_path / 'x.pdf')
    assert resolve_destination(str(tmp_path / 'named.bin'), ['x.pdf']) == str(tmp_path / 'named.bin')
    with pytest.raises(SmaInputError, match="attachment.dest folder '.*missing/' does not exist"):
        resolve_destination(str(tmp_path / 'missing') + '/', ['x.pdf'])
    with pytest.raises(SmaInputError, match='the folder of attachment.dest'):
        resolve_destination(str(tmp_path / 'missing' / 'file.pdf'), ['x.pdf'])

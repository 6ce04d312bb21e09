# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import os
import stat

from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_message_info as message_info
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import pvo_item
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma_actions import (
    FakeSmaActions,
    RawResponse,
    spam_item,
)

PDF = b'%PDF-1.4 not really a pdf \x00\xff' * 10


def lab():
    fake = FakeSmaActions([pvo_item(414, 'Alerts <alerts@labcisco.com>', ['Policy', 'Virus'], subject='Report')])
    fake.attachments[414] = [('report.pdf', PDF), ('notes.txt', b'hello')]
    return fake


def test_message_info_pvo_record(run_module):
    failed, result = run_module(message_info, lab(), {'mids': [414, 999]})
    assert not failed
    assert result['changed'] is False
    record = result['messages'][0]
    assert record['mid'] == 414
    assert record['sender'] == 'alerts@labcisco.com'
    assert record['sender_domain'] == 'labcisco.com'
    assert [entry['name'] for entry in record['quarantines']] == ['Policy', 'Virus']
    assert record['quarantines'][0]['received'] == '2026-03-15T11:25:00Z'
    assert record['quarantines'][0]['scheduled_exit'] == '2026-04-14T18:25:00Z'
    assert record['attachments'] == [{'id': 2, 'name': 'report.pdf', 'size': '0.37K'},
                                     {'id': 3, 'name': 'notes.txt', 'size': '0.01K'}]
    assert record['parts'][0]['is_body'] is True
    assert record['matched_contents'] == ['hold']
    assert record['message_body'] is None
    assert result['not_found'] == [{'mid': 999, 'reason': 'SMA has no quarantined pvo message with MID 999'}]
    assert result['attachment'] is None


def test_message_info_headers_unfolded_in_order(run_module):
    failed, result = run_module(message_info, lab(), {'mids': [414], 'include_body': True})
    assert not failed
    headers = result['messages'][0]['headers']
    assert headers[0] == {'name': 'Received', 'value': 'from esa1 by sma1; Sun, 15 Mar 2026'}
    assert [h['value'] for h in headers if h['name'] == 'X-Test'] == ['one', 'two']
    assert result['messages'][0]['message_body'] == 'Hello'


def test_message_info_spam_record(run_module):
    fake = FakeSmaActions(spam=[spam_item(50, 'Prize <win@lottery.example>',
                                          to_address=['"Doe, Jane" <jane@example.com>, bob@example.com'])])
    failed, result = run_module(message_info, fake, {'quarantine_type': 'spam', 'mids': [50]})
    assert not failed
    record = result['messages'][0]
    assert record['sender'] == 'win@lottery.example'
    assert record['quarantines'][0]['name'] == 'spam'
    assert record['to_address'] == ['"Doe, Jane" <jane@example.com>', 'bob@example.com']
    assert record['received'] == '2026-03-15T11:25:00Z'
    assert record['attachments'] == []
    assert fake.calls[0]['params'] == {'mid': 50, 'quarantineType': 'spam'}


def test_attachment_download_into_folder(run_module, tmp_path):
    fake = lab()
    attachment = {'mid': 414, 'name': 'report.pdf', 'dest': str(tmp_path) + '/'}
    failed, result = run_module(message_info, fake, {'attachment': attachment}, check_mode=True)
    assert not failed
    assert result['changed'] is True
    assert list(tmp_path.iterdir()) == []

    failed, result = run_module(message_info, fake, {'attachment': attachment})
    assert not failed
    assert result['changed'] is True
    written = tmp_path / 'report.pdf'
    assert written.read_bytes() == PDF
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600
    assert result['attachment'] == {'mid': 414, 'id': 2, 'name': 'report.pdf', 'path': str(written), 'size': len(PDF),
                                    'sha256': hashlib.sha256(PDF).hexdigest(), 'changed': True}
    assert fake.calls[-1]['params'] == {'mid': 414, 'attachmentId': 2, 'quarantineType': 'pvo'}

    failed, result = run_module(message_info, fake, {'attachment': attachment})
    assert not failed
    assert result['changed'] is False


def test_attachment_file_name_cannot_leave_folder(run_module, tmp_path):
    fake = lab()
    fake.attachments[414] = [('../../evil.sh', b'#!/bin/sh\n')]
    failed, result = run_module(message_info, fake, {'attachment': {'mid': 414, 'id': 2, 'dest': str(tmp_path)}})
    assert not failed
    assert result['attachment']['path'] == str(tmp_path / 'evil.sh')
    assert stat.S_IMODE(os.stat(tmp_path / 'evil.sh').st_mode) & 0o111 == 0


def test_attachment_rfc2231_file_name(run_module, tmp_path):
    fake = lab()

    def utf8_name(fake_sma, method, path, params, body):
        return RawResponse(200, b'aGVsbG8=', {'Content-Disposition': "attachment; filename=\"_.txt\"; "
                                                                     "filename*=UTF-8''r%C3%A9sum%C3%A9.txt"})
    fake.fault(utf8_name, path='/quarantine/messages/attachment')
    failed, result = run_module(message_info, fake, {'attachment': {'mid': 414, 'id': 3, 'dest': str(tmp_path)}})
    assert not failed
    assert (tmp_path / 'résumé.txt').read_bytes() == b'hello'


def test_attachment_over_max_size_writes_nothing(run_module, tmp_path):
    failed, result = run_module(message_info, lab(), {'attachment': {'mid': 414, 'id': 2, 'dest': str(tmp_path),
                                                                     'max_size': 100}})
    assert failed
    assert 'more than attachment.max_size 100; nothing was written' in result['msg']
    assert list(tmp_path.iterdir()) == []


def test_attachment_existing_different_file_needs_force(run_module, tmp_path):
    target = tmp_path / 'saved.pdf'
    target.write_bytes(b'old')
    attachment = {'mid': 414, 'id': 2, 'dest': str(target)}
    failed, result = run_module(message_info, lab(), {'attachment': attachment})
    assert failed
    assert 'exists with different content; set attachment.force: true' in result['msg']
    assert target.read_bytes() == b'old'

    failed, result = run_module(message_info, lab(), {'attachment': dict(attachment, force=True)})
    assert not failed
    assert target.read_bytes() == PDF


def test_attachment_unknown_name_lists_attachments(run_module, tmp_path):
    failed, result = run_module(message_info, lab(), {'attachment': {'mid': 414, 'name': 'x.exe', 'dest': str(tmp_path)}})
    assert failed
    assert "MID 414 has no attachment with name 'x.exe'; its attachments are: report.pdf (id 2), notes.txt (id 3)" \
        in result['msg']


def test_attachment_not_base64_rejected(run_module, tmp_path):
    fake = lab()
    fake.fault(lambda *a: RawResponse(200, b'%PDF raw bytes!'), path='/quarantine/messages/attachment')
    failed, result = run_module(message_info, fake, {'attachment': {'mid': 414, 'id': 2, 'dest': str(tmp_path)}})
    assert failed
    assert 'not Base64 text; nothing was written' in result['msg']


def test_attachment_spam_rejected(run_module, tmp_path):
    failed, result = run_module(message_info, lab(), {'quarantine_type': 'spam',
                                                      'attachment': {'mid': 50, 'id': 2, 'dest': str(tmp_path)}})
    assert failed
    assert 'attachments can be downloaded from pvo quarantines only' in result['msg']


def test_message_info_needs_mids_or_attachment(run_module):
    failed, result = run_module(message_info, lab(), {})
    assert failed
    assert 'mids, attachment' in result['msg']

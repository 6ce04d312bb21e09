"""The raw-HTTP floor of the benchmark: exactly the requests the job needs, and nothing else.

``plan`` reads the quarantine once, untimed, with the same search parameters the collection
sends, and writes the request list: the search pages, one release per batch of exact
matches, and the pages of the verification read. ``replay`` sends that list over one
keep-alive connection with ``http.client``, reads every response body and parses none, so
its wall time is the least any client can spend on this job against this server.

Connection settings come from SMA_URL, SMA_USERNAME and SMA_PASSWORD.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import http.client
import json
import os
import sys
import time
import urllib.parse

SEARCH_PATH = '/sma/api/v2.0/quarantine/messages'


def search_params(quarantine, domain, now):
    """Return the search parameters that sma_quarantine_info and sma_quarantine_release send.

    The window runs from 2000-01-01 to the minute after ``now``, the modules' default, and
    the sender filter is the server-side ``contains`` narrowing they send for one domain.
    """
    end = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    return {
        'quarantineType': 'pvo',
        'startDate': '2000-01-01T00:00:00.000Z',
        'endDate': end.strftime('%Y-%m-%dT%H:%M:00.000Z'),
        'quarantines': quarantine,
        'orderBy': 'received',
        'orderDir': 'asc',
        'envelopeSenderFilterBy': 'contains',
        'envelopeSenderFilterValue': domain,
    }


class Connection:
    """One keep-alive HTTP connection with Basic auth, from the SMA_* environment variables."""

    def __init__(self):
        url = urllib.parse.urlsplit(os.environ['SMA_URL'])
        if url.scheme != 'http':
            sys.exit('floor.py: SMA_URL %s must be http://; the benchmark runs the simulator without TLS' % url.geturl())
        self.host, self.port = url.hostname, url.port or 80
        credentials = '%s:%s' % (os.environ['SMA_USERNAME'], os.environ['SMA_PASSWORD'])
        self.headers = {'Authorization': 'Basic ' + base64.b64encode(credentials.encode()).decode(),
                        'Accept': 'application/json'}
        self.http = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def send(self, method, target, body=None):
        """Send one request and return the status and the raw response body."""
        headers = dict(self.headers)
        if body is not None:
            headers['Content-Type'] = 'application/json'
        self.http.request(method, target, body=body, headers=headers)
        response = self.http.getresponse()
        return response.status, response.read()


def page_target(params, offset, page_size):
    """Return the request target of the search page at ``offset``."""
    return SEARCH_PATH + '?' + urllib.parse.urlencode(dict(params, offset=offset, limit=page_size))


def page_targets(params, total, page_size):
    """Return the request targets of the pages that cover ``total`` messages (at least one page)."""
    return [page_target(params, offset, page_size) for offset in range(0, max(total, 1), page_size)]


def exact_domain(sender):
    """Return the lower-case part after the last @ of a sender address."""
    address = sender.rsplit('<', 1)[-1].rstrip('>').strip().lower()
    return address.rsplit('@', 1)[-1].rstrip('.') if '@' in address else ''


def make_plan(args):
    """Read the quarantine once and return the request list of the job."""
    connection = Connection()
    params = search_params(args.quarantine, args.domain, datetime.datetime.now(datetime.timezone.utc))
    matches, offset, total = [], 0, None
    while total is None or offset < total:
        status, body = connection.send('GET', page_target(params, offset, args.page_size))
        if status != 200:
            sys.exit('floor.py plan: the search returned HTTP %d: %s' % (status, body[:300]))
        page = json.loads(body)
        total = page['meta']['totalCount']
        matches.extend(item['mid'] for item in page['data'] if exact_domain(item['attributes']['sender']) == args.domain)
        offset += args.page_size
    matches.sort()
    requests = [['GET', target, None] for target in page_targets(params, total, args.page_size)]
    for start in range(0, len(matches), args.batch_size):
        body = {'action': 'release', 'quarantineType': 'pvo', 'quarantineName': args.quarantine,
                'mids': matches[start:start + args.batch_size]}
        requests.append(['POST', SEARCH_PATH, json.dumps(body)])
    requests.extend(['GET', target, None] for target in page_targets(params, total - len(matches), args.page_size))
    return {'matches': len(matches), 'server_total': total, 'requests': requests}


def replay(plan):
    """Send every request of ``plan`` in order; return the count and the wall time in seconds."""
    connection = Connection()
    started = time.perf_counter()
    for method, target, body in plan['requests']:
        status = connection.send(method, target, body)[0]
        if status != 200:
            sys.exit('floor.py replay: %s %s returned HTTP %d' % (method, target.split('?')[0], status))
    return len(plan['requests']), time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('command', choices=['plan', 'replay'])
    parser.add_argument('plan_file', help='JSON file that plan writes and replay reads')
    parser.add_argument('--quarantine', default='BULK', help='pvo quarantine to release from (default: BULK)')
    parser.add_argument('--domain', default='bulk.example', help='exact sender domain (default: bulk.example)')
    parser.add_argument('--page-size', type=int, default=100, help='messages per search page (default: 100)')
    parser.add_argument('--batch-size', type=int, default=100, help='MIDs per release request (default: 100)')
    args = parser.parse_args()
    if args.command == 'plan':
        plan = make_plan(args)
        with open(args.plan_file, 'w', encoding='utf-8') as handle:
            json.dump(plan, handle)
        print(json.dumps({'matches': plan['matches'], 'server_total': plan['server_total'],
                          'requests': len(plan['requests'])}))
        return
    with open(args.plan_file, encoding='utf-8') as handle:
        plan = json.load(handle)
    count, seconds = replay(plan)
    print(json.dumps({'requests': count, 'seconds': round(seconds, 3)}))


if __name__ == '__main__':
    main()

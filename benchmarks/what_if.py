"""Measure two possible changes to sma_quarantine_release before anyone makes them.

The release reads the whole source quarantine before it acts, to find which requested MIDs
are still there, and returns the MIDs it planned and released. At 100,000 messages the read
repeats the audit's 1,060 requests, and the lists add 200,000 integers that
AnsibleModule.exit_json scans for secrets. This script runs the release in this process four
ways on a freshly reset simulator, after an audit with sma_quarantine_info:

- ``as-is``: the module as it is;
- ``no-read``: ActionEngine.plan patched to plan the requested MIDs without reading, so each
  batch's totalCount and the verification read are the only checks;
- ``small``: the result's ``planned`` and ``released`` lists emptied, counts kept;
- ``no-read+small``: both.

The patches live only in this process; no file changes. They show the gain, not a design:
without the read the filters, the multi-quarantine check and expected_count against the
live quarantine are gone, which a real option would have to document.

Usage: python benchmarks/what_if.py [--size 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402  pylint: disable=wrong-import-position
from profile_module import run_module  # noqa: E402  pylint: disable=wrong-import-position

VARIANTS = ('as-is', 'no-read', 'small', 'no-read+small')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--size', type=int, default=100000, help='messages from the sender domain (default: 100000)')
    parser.add_argument('--repeat', type=int, default=2, help='rounds over the four variants (default: 2)')
    cli = parser.parse_args()
    bench.exit_on_sigterm()
    args = argparse.Namespace(python=sys.executable, quarantine='BULK', domain='bulk.example', others=0.2)
    workdir = os.path.join(bench.REPO, '.bench', 'what-if')
    os.makedirs(workdir, exist_ok=True)
    sim = bench.Simulator(args, cli.size, workdir)
    os.environ.update(SMA_URL=sim.url, SMA_USERNAME=bench.BENCH_USER, SMA_PASSWORD=sim.password)
    sys.path.insert(0, os.path.join(bench.REPO, 'collections'))
    # pylint: disable=import-outside-toplevel
    from ansible_collections.mailops.sma.plugins.module_utils import _action_module, _actions
    from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_info, sma_quarantine_release

    original_plan = _actions.ActionEngine.plan
    original_result = _action_module.build_result

    def plan_without_read(engine, requested_mids=None):
        plan = _actions.Plan()
        plan.targets = {engine._source(): sorted(set(requested_mids or ()))}  # pylint: disable=protected-access
        return plan

    def result_without_lists(*positional, **named):
        result = original_result(*positional, **named)
        result['planned'] = []
        result['released'] = []
        return result

    print('%d messages from %s among %d; release run in this process after an audit'
          % (cli.size, args.domain, sim.generated))
    print('%-14s %8s %8s %9s %9s' % ('variant', 'wall s', 'CPU s', 'requests', 'released'))
    try:
        for _round in range(cli.repeat):
            for variant in VARIANTS:
                sim.admin('POST', '/_sim/reset')
                audit = run_module(sma_quarantine_info, {'quarantines': [args.quarantine],
                                                         'sender_domain': [args.domain], 'return_messages': False})[0]
                _actions.ActionEngine.plan = plan_without_read if 'no-read' in variant else original_plan
                _action_module.build_result = result_without_lists if 'small' in variant else original_result
                cpu = time.process_time()
                result, seconds = run_module(sma_quarantine_release, {
                    'quarantine': args.quarantine, 'mids': audit['mids'], 'sender_domain': [args.domain],
                    'expected_count': audit['total']})
                print('%-14s %8.2f %8.2f %9d %9d' % (variant, seconds, time.process_time() - cpu, result['requests'],
                                                     result['counts']['released']), flush=True)
    finally:
        _actions.ActionEngine.plan = original_plan
        _action_module.build_result = original_result
        sim.stop()


if __name__ == '__main__':
    try:
        main()
    except bench.BenchError as error:
        sys.exit('what_if.py: %s' % error)

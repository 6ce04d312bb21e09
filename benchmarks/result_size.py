"""Measure what the size of an sma_quarantine_info result costs ansible-playbook.

The simulator starts with the benchmark's data set, and benchmarks/info_only.yml runs one
audit task with each result setting: every field of every message, a few fields,
``return_messages: false``, and ``return_messages: false`` with ``return_mids: false``. For
each it prints the result's JSON size (from the module run in this process), the wall time of
ansible-playbook, and the peak RSS of the module and of the whole ansible-playbook tree.

Usage: python benchmarks/result_size.py [--size 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402  pylint: disable=wrong-import-position
from profile_module import run_module  # noqa: E402  pylint: disable=wrong-import-position

SETTINGS = (
    ('all fields', {'bench_return_messages': True, 'bench_return_mids': True, 'bench_fields': []}),
    ('fields: mid, sender, subject, received',
     {'bench_return_messages': True, 'bench_return_mids': True, 'bench_fields': ['mid', 'sender', 'subject', 'received']}),
    ('return_messages: false', {'bench_return_messages': False, 'bench_return_mids': True, 'bench_fields': []}),
    ('summary only (return_mids: false too)',
     {'bench_return_messages': False, 'bench_return_mids': False, 'bench_fields': []}),
)


def result_bytes(sim, args, variables, module):
    """Run the module in this process with the setting's options; return the size of its JSON result."""
    sim.admin('POST', '/_sim/reset')
    options = {'quarantines': [args.quarantine], 'sender_domain': [args.domain],
               'return_messages': variables['bench_return_messages'], 'return_mids': variables['bench_return_mids']}
    if variables['bench_fields']:
        options['fields'] = variables['bench_fields']
    result = run_module(module, options)[0]
    return len(json.dumps(result))


def playbook_run(sim, args, variables, workdir):
    """Run info_only.yml once with ``variables`` and return its measurements."""
    sim.admin('POST', '/_sim/reset')
    modules_log = os.path.join(workdir, 'modules.jsonl')
    if os.path.exists(modules_log):
        os.remove(modules_log)
    extra = dict(variables, bench_quarantine=args.quarantine, bench_domain=args.domain, bench_expected=sim.size,
                 ansible_python_interpreter=os.path.join(HERE, 'module_python.sh'))
    command = [os.path.join(bench.os_venv(), 'bin', 'ansible-playbook'), os.path.join(HERE, 'info_only.yml'),
               '-e', json.dumps(extra)]
    env = sim.environment()
    env.update(ANSIBLE_CONFIG=os.path.join(bench.REPO, 'ansible.cfg'), BENCH_MODULE_PYTHON=sys.executable,
               BENCH_RSS_LOG=modules_log)
    log_path = os.path.join(workdir, 'info_only.log')
    measured = bench.run_measured(command, env, log_path)
    if measured['rc'] != 0:
        raise bench.BenchError('info_only.yml exited with %d; see %s' % (measured['rc'], log_path))
    with open(modules_log, encoding='utf-8') as handle:
        module = json.loads(handle.readline())
    return {'seconds': measured['seconds'], 'tree_rss_kb': measured['max_rss_kb'], 'module_rss_kb': module['max_rss_kb'],
            'module_seconds': module['seconds']}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--size', type=int, default=100000, help='messages from the sender domain (default: 100000)')
    parser.add_argument('--repeat', type=int, default=1, help='playbook runs per setting; the median is shown')
    cli = parser.parse_args()
    bench.exit_on_sigterm()
    args = argparse.Namespace(python=sys.executable, quarantine='BULK', domain='bulk.example', others=0.2)
    workdir = os.path.join(bench.REPO, '.bench', 'result-size')
    os.makedirs(workdir, exist_ok=True)
    sim = bench.Simulator(args, cli.size, workdir)
    os.environ.update(SMA_URL=sim.url, SMA_USERNAME=bench.BENCH_USER, SMA_PASSWORD=sim.password)
    sys.path.insert(0, os.path.join(bench.REPO, 'collections'))
    from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_info  # pylint: disable=import-outside-toplevel
    print('%d matching messages among %d; ansible-playbook with one sma_quarantine_info task; median of %d'
          % (cli.size, sim.generated, cli.repeat))
    print('%-40s %12s %12s %10s %14s %12s' % ('result setting', 'result MB', 'playbook s', 'module s',
                                              'module RSS MB', 'tree RSS MB'))
    try:
        for label, variables in SETTINGS:
            size = result_bytes(sim, args, variables, sma_quarantine_info)
            runs = [playbook_run(sim, args, variables, workdir) for _run in range(cli.repeat)]
            row = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            print('%-40s %12.2f %12.2f %10.2f %14.0f %12.0f'
                  % (label, size / 1e6, row['seconds'], row['module_seconds'], row['module_rss_kb'] / 1024,
                     row['tree_rss_kb'] / 1024), flush=True)
    finally:
        sim.stop()


if __name__ == '__main__':
    try:
        main()
    except bench.BenchError as error:
        sys.exit('result_size.py: %s' % error)

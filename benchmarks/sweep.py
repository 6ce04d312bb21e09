"""Measure page_size, batch_size and concurrency of the modules against the raw-HTTP floor.

The simulator starts once with the benchmark's data set. For each setting the script resets
it, runs sma_quarantine_info and then sma_quarantine_release in this process (their
``main()`` as Ansible would call it, without Ansible's start-up), and runs the floor with the
same page and batch size. It prints wall time, CPU time of this process and request counts.

Usage: python benchmarks/sweep.py [--size 100000] [--page-sizes 50,100,200,500,1000]
       [--batch-sizes 50,100,250,500,1000] [--concurrency 1,2,4] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402  pylint: disable=wrong-import-position
import floor  # noqa: E402  pylint: disable=wrong-import-position
from profile_module import run_module  # noqa: E402  pylint: disable=wrong-import-position


def measure_setting(sim, args, page_size, batch_size, concurrency, modules):
    """Run the modules and the floor once with one setting; return their timings and request counts."""
    info_module, release_module = modules
    sim.admin('POST', '/_sim/reset')
    common = {'page_size': page_size, 'concurrency': concurrency, 'sender_domain': [args.domain]}
    cpu = time.process_time()
    audit, info_seconds = run_module(info_module, dict(common, quarantines=[args.quarantine], return_messages=False))
    info_cpu = time.process_time() - cpu
    cpu = time.process_time()
    release, release_seconds = run_module(release_module, dict(
        common, quarantine=args.quarantine, mids=audit['mids'], expected_count=audit['total'], batch_size=batch_size))
    release_cpu = time.process_time() - cpu
    if release.get('counts', {}).get('released') != sim.size:
        raise bench.BenchError('page_size %d, batch_size %d, concurrency %d: released %s of %d: %s'
                               % (page_size, batch_size, concurrency, release.get('counts'), sim.size,
                                  release.get('msg', '')))
    sim.admin('POST', '/_sim/reset')
    plan = floor.make_plan(argparse.Namespace(quarantine=args.quarantine, domain=args.domain, page_size=page_size,
                                              batch_size=batch_size))
    floor_requests, floor_seconds = floor.replay(plan)
    return {'info_seconds': info_seconds, 'info_cpu': info_cpu, 'info_requests': audit['requests'],
            'release_seconds': release_seconds, 'release_cpu': release_cpu, 'release_requests': release['requests'],
            'floor_seconds': floor_seconds, 'floor_requests': floor_requests}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--size', type=int, default=100000, help='messages from the sender domain (default: 100000)')
    parser.add_argument('--page-sizes', default='50,100,200,500,1000', help='page sizes at batch 100, concurrency 1')
    parser.add_argument('--batch-sizes', default='50,100,250,500,1000', help='batch sizes at page 100, concurrency 1')
    parser.add_argument('--concurrency', default='1,2,4', help='concurrency values at page 100, batch 100')
    parser.add_argument('--repeat', type=int, default=1, help='runs per setting; the median is shown (default: 1)')
    cli = parser.parse_args()
    bench.exit_on_sigterm()
    args = argparse.Namespace(python=sys.executable, quarantine='BULK', domain='bulk.example', others=0.2)
    workdir = os.path.join(bench.REPO, '.bench', 'sweep')
    os.makedirs(workdir, exist_ok=True)

    settings = []
    for page_size in (int(v) for v in cli.page_sizes.split(',') if v):
        settings.append(('page_size', page_size, 100, 1))
    for batch_size in (int(v) for v in cli.batch_sizes.split(',') if v):
        settings.append(('batch_size', 100, batch_size, 1))
    for concurrency in (int(v) for v in cli.concurrency.split(',') if v):
        settings.append(('concurrency', 100, 100, concurrency))

    sim = bench.Simulator(args, cli.size, workdir)
    os.environ.update(SMA_URL=sim.url, SMA_USERNAME=bench.BENCH_USER, SMA_PASSWORD=sim.password)
    sys.path.insert(0, os.path.join(bench.REPO, 'collections'))
    # pylint: disable=import-outside-toplevel
    from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_info, sma_quarantine_release
    modules = (sma_quarantine_info, sma_quarantine_release)
    print('%d messages from %s among %d in %s; modules run in-process (no Ansible start-up); median of %d'
          % (cli.size, args.domain, sim.generated, args.quarantine, cli.repeat))
    print('%-12s %5s %5s %4s | %8s %8s %6s | %8s %8s %6s | %8s %6s | %s'
          % ('varied', 'page', 'batch', 'conc', 'info s', 'info CPU', 'req', 'release s', 'rel CPU', 'req',
             'floor s', 'req', 'modules / floor'))
    try:
        for varied, page_size, batch_size, concurrency in settings:
            runs = [measure_setting(sim, args, page_size, batch_size, concurrency, modules) for _run in range(cli.repeat)]
            row = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            ratio = (row['info_seconds'] + row['release_seconds']) / row['floor_seconds']
            print('%-12s %5d %5d %4d | %8.2f %8.2f %6d | %8.2f %8.2f %6d | %8.2f %6d | %.2f'
                  % (varied, page_size, batch_size, concurrency, row['info_seconds'], row['info_cpu'],
                     row['info_requests'], row['release_seconds'], row['release_cpu'], row['release_requests'],
                     row['floor_seconds'], row['floor_requests'], ratio), flush=True)
    finally:
        sim.stop()


if __name__ == '__main__':
    try:
        main()
    except bench.BenchError as error:
        sys.exit('sweep.py: %s' % error)

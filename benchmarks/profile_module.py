"""Profile sma_quarantine_info and sma_quarantine_release against a running simulator.

Each module's ``main()`` runs in this process under cProfile, with its arguments passed the
way Ansible passes them (ansible.module_utils.testing.patch_module_args, ansible-core 2.19+).
The profile covers argument validation, the client, the scan, the batches and the JSON
result, but not Ansible's fork and AnsiballZ start-up. The simulator is reset first through
its admin interface; the release then acts on the MIDs the audit returned.

Usage: SMA_URL=http://127.0.0.1:PORT SMA_USERNAME=... SMA_PASSWORD=... \\
       python benchmarks/profile_module.py [--top 25] [--sort tottime] [--output DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import sys
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_module(module, args, profiler=None):
    """Run ``module.main()`` with ``args``, under ``profiler`` when given; return the result and the seconds taken."""
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel

    output = io.StringIO()
    started = time.perf_counter()
    with patch_module_args(args), contextlib.redirect_stdout(output):
        if profiler is not None:
            profiler.enable()
        try:
            module.main()
        except SystemExit:
            pass
        finally:
            if profiler is not None:
                profiler.disable()
    seconds = time.perf_counter() - started
    return json.loads(output.getvalue()), seconds


def reset_simulator():
    """Restore the simulator's dataset through POST /_sim/reset."""
    request = urllib.request.Request(os.environ['SMA_URL'].rstrip('/') + '/_sim/reset', data=b'', method='POST')
    with urllib.request.urlopen(request, timeout=60) as response:  # nosec: the URL is the local simulator
        response.read()


def report(profiler, title, sort, top, output_dir):
    """Print the top functions of ``profiler`` and save the raw profile when ``output_dir`` is set."""
    if output_dir:
        os.makedirs(output_dir, exist_ok=True)
        profiler.dump_stats(os.path.join(output_dir, title + '.prof'))
    print('\n===== %s: top %d by %s =====' % (title, top, sort))
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(sort).print_stats(top)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--quarantine', default='BULK', help='pvo quarantine (default: BULK)')
    parser.add_argument('--domain', default='bulk.example', help='sender domain (default: bulk.example)')
    parser.add_argument('--page-size', type=int, default=100, help='page_size of both modules (default: 100)')
    parser.add_argument('--batch-size', type=int, default=100, help='batch_size of the release (default: 100)')
    parser.add_argument('--concurrency', type=int, default=1, help='concurrency of both modules (default: 1)')
    parser.add_argument('--top', type=int, default=25, help='functions to list per profile (default: 25)')
    parser.add_argument('--sort', default='tottime', help='pstats sort key, such as tottime or cumulative')
    parser.add_argument('--output', help='folder for the raw .prof files (for snakeviz or pstats)')
    args = parser.parse_args()

    sys.path.insert(0, os.path.join(REPO, 'collections'))
    # pylint: disable=import-outside-toplevel
    from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_info, sma_quarantine_release

    reset_simulator()
    common = {'page_size': args.page_size, 'concurrency': args.concurrency, 'sender_domain': [args.domain]}
    info_profile = cProfile.Profile()
    audit, info_seconds = run_module(sma_quarantine_info, dict(
        common, quarantines=[args.quarantine], return_messages=False), info_profile)
    release_profile = cProfile.Profile()
    release, release_seconds = run_module(sma_quarantine_release, dict(
        common, quarantine=args.quarantine, mids=audit['mids'], expected_count=audit['total'],
        batch_size=args.batch_size), release_profile)
    print('sma_quarantine_info: %d matches, %d requests, %.2f s under the profiler'
          % (audit['total'], audit['requests'], info_seconds))
    print('sma_quarantine_release: %d released, %d requests, %.2f s under the profiler'
          % (release['counts']['released'], release['requests'], release_seconds))
    report(info_profile, 'sma_quarantine_info', args.sort, args.top, args.output)
    report(release_profile, 'sma_quarantine_release', args.sort, args.top, args.output)


if __name__ == '__main__':
    main()

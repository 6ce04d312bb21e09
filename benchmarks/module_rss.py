"""Run one Ansible module process and record its peak RSS and wall time.

Ansible starts a module as ``INTERPRETER .../AnsiballZ_<module>.py``; module_python.sh makes
this script the interpreter. It runs the real interpreter with the same arguments as a
child, waits for it, and appends one JSON line to the file named by BENCH_RSS_LOG:
``{"module", "max_rss_kb", "seconds", "cpu_seconds", "rc"}``. ``max_rss_kb`` comes from getrusage of the
waited-for child, so this wrapper's own memory is not counted. stdout and stderr pass through
untouched, so Ansible reads the module's result as usual.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time


def module_name(argv):
    """Return the module name from an AnsiballZ path in ``argv``, or the first argument."""
    for arg in argv:
        match = re.search(r'AnsiballZ_(\w+)\.py$', arg)
        if match:
            return match.group(1)
    return argv[0] if argv else ''


def main():
    started = time.perf_counter()
    rc = subprocess.call([sys.executable] + sys.argv[1:])
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = os.environ.get('BENCH_RSS_LOG')
    if log:
        with open(log, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps({'module': module_name(sys.argv[1:]), 'max_rss_kb': usage.ru_maxrss,
                                     'seconds': round(seconds, 3), 'cpu_seconds': round(usage.ru_utime + usage.ru_stime, 3),
                                     'rc': rc}) + '\n')
    sys.exit(rc)


if __name__ == '__main__':
    main()

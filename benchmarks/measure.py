"""Run a command and write its wall time and the peak RSS of its process tree to a JSON file.

Usage: python measure.py OUTPUT.json COMMAND [ARG...]

bench.py starts every way through this small process, not directly. A child forked from a
large parent inherits the parent's peak RSS as its own ru_maxrss on Linux, so a way forked
straight from bench.py would report bench.py's memory. Here the command is a child of a fresh
interpreter, and os.wait4 returns the peak RSS of the command and of every descendant it
waited for. The output file gets ``{"rc", "seconds", "max_rss_kb", "cpu_seconds"}`` (user plus
system CPU time of the same tree); the exit status is the command's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main():
    output, command = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    process = subprocess.Popen(command)  # pylint: disable=consider-using-with
    status, usage = os.wait4(process.pid, 0)[1:]
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(output, 'w', encoding='utf-8') as handle:
        json.dump({'rc': process.returncode, 'seconds': round(seconds, 4), 'max_rss_kb': usage.ru_maxrss,
                   'cpu_seconds': round(usage.ru_utime + usage.ru_stime, 4)}, handle)
    sys.exit(process.returncode)


if __name__ == '__main__':
    main()

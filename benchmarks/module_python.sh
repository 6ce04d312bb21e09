#!/usr/bin/env bash
# Python interpreter for the modules of benchmarks/collection.yml, set with
# ansible_python_interpreter. It runs the module under module_rss.py, which
# records the module's peak RSS and wall time in $BENCH_RSS_LOG.
# BENCH_MODULE_PYTHON is the real interpreter (the one with requests).
set -euo pipefail
exec "${BENCH_MODULE_PYTHON:?set BENCH_MODULE_PYTHON to the Python that runs the modules}" \
    "$(dirname "$0")/module_rss.py" "$@"

#!/usr/bin/env bash
# make bench: run benchmarks/bench.py at 1,000, 10,000 and 100,000 messages,
# three repetitions each, and print the tables. On two idle cores this should
# take about 7 minutes (an estimate), most of it in the curl and jq recipe at
# 100,000 messages. Other load on the machine can make it three times longer.
#
# Settings (environment variables, all optional):
#   BENCH_SIZES        comma-separated sizes           (default 1000,10000,100000)
#   BENCH_REPEAT       repetitions per size            (default 3)
#   BENCH_WAYS         subset of collection,recipe,floor (default all three)
#   BENCH_PAGE_SIZE    page_size of every way          (default 100)
#   BENCH_BATCH_SIZE   batch_size of every way         (default 100)
#   BENCH_CONCURRENCY  the modules' concurrency option (default 1)
#   BENCH_MAX_LOAD     wait before each way until the 1-minute load average
#                      is below this, up to 5 minutes (default 0: no wait)
# Arguments are passed on to bench.py (see python benchmarks/bench.py --help).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# ensure_recipe_tools: the recipe needs curl and jq. Install them with apt-get
# when they are missing and this runs as root, or else stop with the command
# that installs them.
ensure_recipe_tools() {
    local missing=() tool
    for tool in curl jq; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "Installing ${missing[*]} with apt-get for the recipe ..."
        apt-get update -q >/dev/null
        apt-get install -y -q "${missing[@]}" >/dev/null
        return 0
    fi
    die "The recipe needs ${missing[*]}. Install them (for example: sudo apt-get install -y ${missing[*]}), or run BENCH_WAYS=collection,floor make bench."
}

args=(
    --sizes "${BENCH_SIZES:-1000,10000,100000}"
    --repeat "${BENCH_REPEAT:-3}"
    --ways "${BENCH_WAYS:-collection,recipe,floor}"
    --page-size "${BENCH_PAGE_SIZE:-100}"
    --batch-size "${BENCH_BATCH_SIZE:-100}"
    --concurrency "${BENCH_CONCURRENCY:-1}"
    --max-load "${BENCH_MAX_LOAD:-0}"
)
case ${BENCH_WAYS:-recipe} in
    *recipe*) ensure_recipe_tools ;;
esac
ensure_venv .venv requirements-run.txt
use_venv .venv
ensure_collection_link
# Relative paths in ansible.cfg are resolved against its folder, and Ansible
# ignores ./ansible.cfg in a world-writable directory.
export ANSIBLE_CONFIG=$PWD/ansible.cfg
echo "Command: make bench (python benchmarks/bench.py ${args[*]} $*)"
python benchmarks/bench.py "${args[@]}" "$@"

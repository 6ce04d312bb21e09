# shellcheck shell=bash
# Functions shared by the scripts in scripts/ and tests/build/.
#
# Source this file from the repository root. It is not executable on purpose:
# ansible-test's shebang sanity test rejects an executable file without a
# shebang line.

COLLECTION_NAMESPACE=mailops
COLLECTION_NAME=sma
# Every script here uses Python 3.11, because the pins in requirements-*.txt
# were resolved for it and ansible-test runs with --python 3.11.
PYTHON_VERSION=3.11

log() { printf '%s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------
# Clean-up on exit
#
# add_cleanup registers a command for the EXIT trap of the current shell. Each
# entry records the shell's PID, so a subshell, which inherits the list, runs
# only the commands it registered itself.
# ---------------------------------------------------------------------------
_CLEANUPS=()

add_cleanup() {
    _CLEANUPS+=("$BASHPID:$1")
    trap run_cleanups EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

run_cleanups() {
    local index entry
    for ((index = ${#_CLEANUPS[@]} - 1; index >= 0; index--)); do
        entry=${_CLEANUPS[index]}
        if [ "${entry%%:*}" = "$BASHPID" ]; then
            eval "${entry#*:}" || true
        fi
    done
}

# make_temp_dir PURPOSE: print the path of a new temporary directory. The
# caller removes it, usually with add_cleanup, which must run in the caller's
# shell and not in the $(...) subshell that this function runs in.
make_temp_dir() {
    mktemp -d "${TMPDIR:-/tmp}/mailops-sma-$1.XXXXXX"
}

# ---------------------------------------------------------------------------
# Python and virtual environments
# ---------------------------------------------------------------------------

# find_python: print the path of a Python 3.11 interpreter ($PYTHON first).
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" "python$PYTHON_VERSION" python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if is_python_version "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    die "Python $PYTHON_VERSION not found on PATH. Install it, or set PYTHON=/path/to/python$PYTHON_VERSION."
}

is_python_version() {
    "$1" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$PYTHON_VERSION'.split('.'))))" 2>/dev/null
}

# requirement_includes FILE: print the files that FILE pulls in with -r.
requirement_includes() {
    local file=$1 dir line
    dir=$(dirname "$file")
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
            -r\ * | --requirement\ *) printf '%s\n' "$dir/${line#* }" ;;
        esac
    done <"$file"
}

# stamp_path VENV FILE: the marker whose time records when FILE was installed.
stamp_path() {
    printf '%s/.installed-%s\n' "$1" "$(basename "$2")"
}

# requirements_current VENV FILE: true when FILE and every file it includes
# are older than the marker of their last installation into VENV.
requirements_current() {
    local venv=$1 file=$2 stamp included
    stamp=$(stamp_path "$venv" "$file")
    [ -f "$stamp" ] && [ ! "$file" -nt "$stamp" ] || return 1
    while IFS= read -r included; do
        [ ! "$included" -nt "$stamp" ] || return 1
    done < <(requirement_includes "$file")
}

# stamp_requirements VENV FILE: mark FILE, and the files it includes, as installed.
stamp_requirements() {
    local venv=$1 file=$2 included
    touch "$(stamp_path "$venv" "$file")"
    while IFS= read -r included; do
        stamp_requirements "$venv" "$included"
    done < <(requirement_includes "$file")
}

# pip_install VENV ARGS...: run pip and print its whole output only when it fails.
pip_install() {
    local venv=$1 output status=0
    shift
    output=$("$venv/bin/python" -m pip install --disable-pip-version-check "$@" 2>&1) || status=$?
    if [ "$status" -ne 0 ]; then
        printf '%s\n' "$output" >&2
        die "pip install $* failed in $venv (exit $status); its output is above."
    fi
}

# ensure_venv VENV REQUIREMENTS...: create VENV with Python 3.11 unless it
# exists and works, then install each requirements file that changed since its
# last installation. A file that another one includes with -r counts as
# installed with it, so `make demo` reuses a .venv made by `make venv`.
ensure_venv() {
    local venv=$1 requirements start
    shift
    if [ ! -x "$venv/bin/python" ] || ! is_python_version "$venv/bin/python"; then
        rm -rf "$venv"
        log "Creating virtual environment $venv with $(find_python)"
        "$(find_python)" -m venv "$venv"
    fi
    for requirements in "$@"; do
        [ -f "$requirements" ] || die "Requirements file $requirements not found (run from the repository root)."
        if requirements_current "$venv" "$requirements"; then
            continue
        fi
        start=$SECONDS
        log "Installing $requirements into $venv ..."
        pip_install "$venv" -r "$requirements"
        stamp_requirements "$venv" "$requirements"
        log "Installed $requirements into $venv in $((SECONDS - start)) s."
    done
}

# use_venv VENV: put VENV's programs first on PATH, as activating it would.
use_venv() {
    VIRTUAL_ENV=$(cd "$1" && pwd)
    PATH=$VIRTUAL_ENV/bin:$PATH
    export VIRTUAL_ENV PATH
    hash -r
}

# ---------------------------------------------------------------------------
# The collection as Ansible sees it
# ---------------------------------------------------------------------------

# ensure_collection_link: make collections/ansible_collections/NS/NAME a
# relative link to the repository root, which ansible.cfg puts on the
# collections path. pytest-ansible, when it runs before this, leaves a real
# directory of absolute per-entry links there instead. That directory goes
# stale when top-level entries are added, so it is replaced.
ensure_collection_link() {
    local parent=collections/ansible_collections/$COLLECTION_NAMESPACE
    local link=$parent/$COLLECTION_NAME
    if [ -L "$link" ] && [ "$(readlink "$link")" = ../../.. ]; then
        return 0
    fi
    if [ -e "$link" ] || [ -L "$link" ]; then
        rm -rf "$link"
    fi
    mkdir -p "$parent"
    ln -s ../../.. "$link"
}

# ---------------------------------------------------------------------------
# ansible-test
# ---------------------------------------------------------------------------

# Marks the stand-in written below, so that a later version of this file may
# replace it while a real bootstrap script placed there by hand is kept.
GETPIP_MARKER='# Written by mailops.sma scripts/lib.sh: stand-in for the get-pip download.'

# ansible_test_pip_version: print the pip version that the ansible-test of the
# active Python bootstraps into each of its virtual environments.
ansible_test_pip_version() {
    python - <<'PY'
import pathlib
import re
import sys

import ansible_test

source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
match = re.search(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", source.read_text(encoding="utf-8"))
if not match:
    sys.exit(f"no pip version found in {source}; ansible-test changed how it bootstraps pip")
print(match.group(1))
PY
}

# ensure_ansible_test_getpip: ansible-test creates each sanity virtual
# environment without pip, then downloads a get-pip script from a host that
# may be unreachable. It first looks for the script in
# ~/.ansible/test/cache/get_pip_<version>.py, so put a stand-in there. It
# installs pip with the standard library's ensurepip, then upgrades it to the
# requested version from the package index pip is configured to use.
ensure_ansible_test_getpip() {
    local version cache content
    version=$(ansible_test_pip_version) || die "Cannot read ansible-test's pip version (is ansible-core installed in the active venv?)."
    cache=$HOME/.ansible/test/cache/get_pip_${version//./_}.py
    if [ -f "$cache" ] && ! grep -qF "$GETPIP_MARKER" "$cache"; then
        return 0
    fi
    content=$(
        cat <<PY
$GETPIP_MARKER
"""Install pip into the running interpreter without downloading get-pip.

ansible-test runs: python get_pip.py --disable-pip-version-check pip==$version --no-setuptools --no-wheel
"""
import subprocess
import sys

# Options of get-pip that pip install does not know.
GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")

args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", *args]))
PY
    )
    if [ -f "$cache" ] && [ "$(cat "$cache")" = "$content" ]; then
        return 0
    fi
    mkdir -p "$(dirname "$cache")"
    printf '%s\n' "$content" >"$cache.tmp"
    mv "$cache.tmp" "$cache"
    log "Wrote the get-pip stand-in for pip $version to $cache"
}

# copy_source_tree DEST: copy what git shows (tracked files plus untracked
# files that are not ignored, so uncommitted edits count) into DEST. Outside a
# git work tree, copy everything except the generated folders.
copy_source_tree() {
    local dest=$1 file
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files -z --cached --others --exclude-standard --deduplicate |
            while IFS= read -r -d '' file; do
                # Tracked files deleted in the work tree are still listed.
                if [ -e "$file" ] || [ -L "$file" ]; then
                    printf '%s\0' "$file"
                fi
            done |
            tar --null --files-from=- -cf - |
            tar -xf - -C "$dest"
    else
        tar --exclude=./.git --exclude='./.venv*' --exclude=./collections --exclude=./tests/output \
            --exclude=./.demo --exclude=./.bench --exclude=./.pytest_cache --exclude=./.ansible \
            -cf - . | tar -xf - -C "$dest"
    fi
}

# run_ansible_test ARGS...: run ansible-test in a copy of the tree.
# ansible-test works only from .../ansible_collections/NS/NAME and resolves
# symlinks in the current directory, so a link to the checkout does not help.
run_ansible_test() {
    local tmp dest status=0
    [ ! -d tests/sanity ] || ! compgen -G 'tests/sanity/ignore-*.txt' >/dev/null ||
        die "tests/sanity/ must not contain ignore files; fix the reported problems instead: $(echo tests/sanity/ignore-*.txt)"
    tmp=$(make_temp_dir ansible-test)
    add_cleanup "rm -rf '$tmp'"
    dest=$tmp/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME
    mkdir -p "$dest"
    copy_source_tree "$dest"
    (cd "$dest" && with_ansible_test_lock ansible-test "$@") || status=$?
    rm -rf "$tmp"
    return "$status"
}

# with_ansible_test_lock COMMAND...: run COMMAND while holding a lock in
# ~/.ansible/test. ansible-test shares its sanity virtual environments in
# ~/.ansible/test/venv between ansible-core versions when their requirements
# are equal, and a second run that finds one half-built deletes it. The lock
# keeps concurrent runs, such as the 2.18 leg that make test starts in the
# background, from building the same environment at once.
with_ansible_test_lock() {
    local lock=$HOME/.ansible/test/mailops-sma-ansible-test.lock
    if ! command -v flock >/dev/null; then
        "$@"
        return
    fi
    mkdir -p "$(dirname "$lock")"
    if ! flock --nonblock "$lock" true; then
        log "Waiting for another ansible-test run to release $lock ..."
    fi
    flock "$lock" "$@"
}

# ---------------------------------------------------------------------------
# The SMA API simulator
# ---------------------------------------------------------------------------

# start_simulator ARGS...: start `python -m sma_simulator --port 0 --port-file F ARGS`
# in the background and wait until it listens. The EXIT trap stops it.
# Reads: SIM_DIR (folder that contains sma_simulator/, default: the current
# one), SIM_LOG_FILE (its output, default: a temporary file),
# SIM_START_TIMEOUT (seconds, default 60).
# Exports: SMA_SIM_PID, SMA_SIM_PORT and SMA_SIM_URL (https:// with --tls).
start_simulator() {
    local workdir port_file scheme=http arg waited=0 timeout=${SIM_START_TIMEOUT:-60}
    workdir=$(make_temp_dir simulator)
    add_cleanup "rm -rf '$workdir'"
    port_file=$workdir/port
    SMA_SIM_LOG=${SIM_LOG_FILE:-$workdir/simulator.log}
    for arg in "$@"; do
        if [ "$arg" = --tls ]; then scheme=https; fi
    done

    (cd "${SIM_DIR:-.}" && exec python -m sma_simulator --port 0 --port-file "$port_file" "$@") >"$SMA_SIM_LOG" 2>&1 &
    SMA_SIM_PID=$!
    add_cleanup stop_simulator

    # Ten checks a second. A dead process is reported at once: the port file
    # of a simulator that failed to start never appears.
    while [ ! -s "$port_file" ]; do
        if ! kill -0 "$SMA_SIM_PID" 2>/dev/null; then
            wait "$SMA_SIM_PID" 2>/dev/null || true
            SMA_SIM_PID=
            tail -n 40 "$SMA_SIM_LOG" >&2
            die "The simulator exited before it listened; its output is above. Is sma_simulator/ present in ${SIM_DIR:-$PWD}?"
        fi
        if [ "$waited" -ge $((timeout * 10)) ]; then
            tail -n 40 "$SMA_SIM_LOG" >&2
            die "The simulator did not write its port file within ${timeout} s (raise SIM_START_TIMEOUT)."
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    read -r SMA_SIM_PORT <"$port_file"
    SMA_SIM_URL=$scheme://127.0.0.1:$SMA_SIM_PORT
    export SMA_SIM_PID SMA_SIM_PORT SMA_SIM_URL SMA_SIM_LOG
    log "Simulator $SMA_SIM_PID listening on $SMA_SIM_URL (output: $SMA_SIM_LOG)"
}

# stop_simulator: SIGTERM, up to 5 s for a clean exit, then SIGKILL.
stop_simulator() {
    local pid=${SMA_SIM_PID:-} waited=0
    [ -n "$pid" ] || return 0
    SMA_SIM_PID=
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 50 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "Simulator $pid ignored SIGTERM for 5 s; sending SIGKILL."
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# Test suites run by scripts/test.sh and scripts/test_matrix.sh
# ---------------------------------------------------------------------------

# run_unit_tests: pytest for those of tests/unit and tests/simulator that
# contain test files, or a skipped step when neither does.
run_unit_tests() {
    local dir dirs=()
    for dir in tests/unit tests/simulator; do
        if [ -n "$(find "$dir" -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
            dirs+=("$dir")
        fi
    done
    if [ "${#dirs[@]}" -eq 0 ]; then
        skip_step "no test_*.py files in tests/unit or tests/simulator"
    fi
    pytest "${dirs[@]}"
}

# run_integration_tests: pytest for tests/integration. Each target starts a
# simulator and an ansible-playbook process, so two pytest-xdist workers pay
# off once there are more than two targets (four targets: 45 s in one
# process, 26 s with two workers on a 2-core machine).
run_integration_tests() {
    local targets
    targets=$(find tests/integration/targets -path '*/tasks/main.yml' | wc -l)
    if [ "$targets" -gt 2 ]; then
        pytest -n "${INTEGRATION_WORKERS:-auto}" tests/integration
    else
        pytest tests/integration
    fi
}

# first_line COMMAND...: print the first line of the output of COMMAND. The
# whole output is read first, because ansible prints a traceback when a reader
# such as `head -n 1` closes the pipe early.
first_line() {
    local output
    output=$("$@")
    printf '%s\n' "${output%%$'\n'*}"
}

# random_password: print a password for a simulator user, made per run.
random_password() {
    python -c 'import secrets; print(secrets.token_urlsafe(18))'
}

# ---------------------------------------------------------------------------
# Steps with a summary table (scripts/test.sh and scripts/test_matrix.sh)
# ---------------------------------------------------------------------------

# A step function returns STEP_SKIPPED to be reported as skipped, not failed.
STEP_SKIPPED=77
_STEP_NAMES=()
_STEP_RESULTS=()
_STEP_SECONDS=()

# run_step NAME FUNCTION [ARGS...]: run FUNCTION in a subshell with `set -e`,
# print its duration and record ok, FAILED or skipped. Never exits.
run_step() {
    local name=$1 status=0 start end elapsed result
    shift
    printf '\n==> %s\n' "$name"
    start=$EPOCHREALTIME
    set +e
    (
        set -e
        "$@"
    )
    status=$?
    set -e
    end=$EPOCHREALTIME
    elapsed=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
    case $status in
        0) result=ok ;;
        "$STEP_SKIPPED") result=skipped ;;
        *) result=FAILED ;;
    esac
    _STEP_NAMES+=("$name")
    _STEP_RESULTS+=("$result")
    _STEP_SECONDS+=("$elapsed")
    printf '<== %s: %s in %s s\n' "$name" "$result" "$elapsed"
    return 0
}

# skip_step REASON: end the current step as skipped, with a visible reason.
skip_step() {
    printf 'SKIPPED: %s\n' "$*"
    exit "$STEP_SKIPPED"
}

# steps_failed: the number of steps recorded as FAILED.
steps_failed() {
    local result count=0
    for result in "${_STEP_RESULTS[@]}"; do
        if [ "$result" = FAILED ]; then count=$((count + 1)); fi
    done
    echo "$count"
}

# print_step_summary TITLE: the table of steps, the wall-clock time since the
# script started and a closing line "steps: N passed, N failed, N skipped".
print_step_summary() {
    local title=$1 index passed=0 failed=0 skipped=0 total=$SECONDS
    printf '\n%s\n' "$title"
    printf '  %-44s %-8s %9s\n' step result seconds
    for index in "${!_STEP_NAMES[@]}"; do
        printf '  %-44s %-8s %9s\n' "${_STEP_NAMES[index]}" "${_STEP_RESULTS[index]}" "${_STEP_SECONDS[index]}"
        case ${_STEP_RESULTS[index]} in
            ok) passed=$((passed + 1)) ;;
            FAILED) failed=$((failed + 1)) ;;
            *) skipped=$((skipped + 1)) ;;
        esac
    done
    printf 'total: %d min %02d s\n' $((total / 60)) $((total % 60))
    printf 'steps: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
}

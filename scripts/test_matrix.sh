#!/usr/bin/env bash
# Run ansible-test sanity, the unit tests and the integration tests with the
# oldest ansible-core line that meta/runtime.yml admits (2.18), in its own
# virtual environment .venv-core2.18. The default .venv covers 2.19.
#
# Usage: scripts/test_matrix.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

CORE_LINE=2.18
MATRIX_VENV=.venv-core$CORE_LINE
MATRIX_REQUIREMENTS=scripts/requirements-core$CORE_LINE.txt

matrix_sanity() {
    run_ansible_test sanity --local --python "$PYTHON_VERSION"
}

matrix_unit() {
    run_unit_tests
}

# Targets with the alias "slow" run only in the main (2.19) leg, which keeps
# the total time of make test down. MATRIX_EXCLUDE_ALIASES="" runs them all.
matrix_integration() {
    INTEGRATION_EXCLUDE_ALIASES=${MATRIX_EXCLUDE_ALIASES-slow} run_integration_tests
}

main() {
    ensure_venv "$MATRIX_VENV" "$MATRIX_REQUIREMENTS"
    use_venv "$MATRIX_VENV"
    ensure_collection_link
    ensure_ansible_test_getpip
    export ANSIBLE_CONFIG=$PWD/ansible.cfg
    printf 'Matrix leg: %s\n' "$(first_line ansible --version)"

    # Sanity runs last: when make test runs this leg beside its own steps, the
    # main sanity run is then long finished, so the two rarely wait for the
    # lock that with_ansible_test_lock takes.
    run_step "core $CORE_LINE: pytest tests/unit tests/simulator" matrix_unit
    run_step "core $CORE_LINE: pytest tests/integration" matrix_integration
    run_step "core $CORE_LINE: ansible-test sanity" matrix_sanity

    print_step_summary "ansible-core $CORE_LINE summary"
    [ "$(steps_failed)" -eq 0 ]
}

main "$@"

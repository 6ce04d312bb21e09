#!/usr/bin/env bash
# Build the collection tarball, check what it contains, install it into a
# temporary collections folder and run a playbook from that installed copy
# against the simulator shipped in it. The playbook runs from a folder outside
# the repository with only the temporary folder on the collections path, so
# the working tree and its collections/ link cannot stand in for the tarball.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# Kept paths: every file git shows under them must be in the tarball.
KEPT_PATHSPECS=(README.md CHANGELOG.md LICENSE requirements.txt changelogs/changelog.yaml changelogs/config.yaml
    meta docs plugins playbooks roles sma_simulator tests/unit tests/integration)
# Development paths that must not be in the tarball: an entry equal to one of
# these or below it fails the test.
FORBIDDEN_PATHS=(.venv .ansible .demo .bench .git .gitignore .pytest_cache collections tests/output tests/build
    scripts Makefile ansible.cfg inventory pytest.ini requirements-dev.txt requirements-run.txt
    changelogs/fragments changelogs/.plugin-cache.yaml)

# source_files PATHSPEC...: the files git shows (tracked and untracked, not
# ignored) under the path specs, one a line.
source_files() {
    git ls-files --cached --others --exclude-standard --deduplicate -- "$@" |
        while IFS= read -r file; do
            if [ -f "$file" ]; then printf '%s\n' "$file"; fi
        done
}

# check_contents LISTING: compare the tarball's file list with the tree.
check_contents() {
    local listing=$1 problems=0 file entry path
    while IFS= read -r file; do
        if ! grep -qxF "$file" "$listing"; then
            log "missing from the tarball: $file"
            problems=$((problems + 1))
        fi
    done < <(printf '%s\n' MANIFEST.json FILES.json && source_files "${KEPT_PATHSPECS[@]}")
    while IFS= read -r entry; do
        entry=${entry%/}
        for path in "${FORBIDDEN_PATHS[@]}"; do
            if [ "$entry" = "$path" ] || [[ $entry == "$path"/* ]]; then
                log "development file in the tarball: $entry (add it to build_ignore in galaxy.yml)"
                problems=$((problems + 1))
            fi
        done
        case $entry in
            *__pycache__* | *.pyc)
                log "compiled Python file in the tarball: $entry"
                problems=$((problems + 1))
                ;;
        esac
    done <"$listing"
    [ "$problems" -eq 0 ] || die "The tarball's contents are wrong in $problems places (listed above)."
    printf 'Tarball contents: %d entries, every kept file present, no development file.\n' "$(wc -l <"$listing")"
}

# check_module_docs COLLECTIONS: ansible-doc must read every module's
# documentation from the installed copy.
check_module_docs() {
    local collections=$1 modules=() file
    for file in plugins/modules/*.py; do
        [ -f "$file" ] || continue
        modules+=("$COLLECTION_NAMESPACE.$COLLECTION_NAME.$(basename "$file" .py)")
    done
    [ "${#modules[@]}" -gt 0 ] || return 0
    ANSIBLE_COLLECTIONS_PATH=$collections ansible-doc --json -t module "${modules[@]}" >/dev/null
    printf 'ansible-doc read the documentation of %d modules from the installed copy.\n' "${#modules[@]}"
}

main() {
    local work tarballs tarball installed password playbook run_dir playbook_args=()
    ensure_venv .venv requirements-run.txt
    use_venv .venv
    work=$(make_temp_dir build)
    add_cleanup "rm -rf '$work'"

    ansible-galaxy collection build --force --output-path "$work/dist" .
    tarballs=("$work/dist/$COLLECTION_NAMESPACE-$COLLECTION_NAME"-*.tar.gz)
    if [ "${#tarballs[@]}" -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
        die "Expected one tarball in $work/dist, found: ${tarballs[*]}"
    fi
    tarball=${tarballs[0]}
    tar -tzf "$tarball" | sort >"$work/contents.txt"
    check_contents "$work/contents.txt"

    ANSIBLE_COLLECTIONS_PATH=$work/collections ansible-galaxy collection install --offline --force -p "$work/collections" "$tarball"
    installed=$work/collections/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME
    check_module_docs "$work/collections"

    password=$(random_password)
    SIM_DIR=$installed start_simulator --tls --quiet --dataset lab --cert-dir "$work/tls" \
        --mail-log "$work/mail.log" --user "builder:$password"

    if [ -f "$installed/playbooks/audit_then_release.yml" ]; then
        playbook=$installed/playbooks/audit_then_release.yml
        playbook_args=(-e quarantine_name=TEST_QUARANTINE -e sender_domain=labcisco.com -e "report_dir=$work/reports")
    else
        log "playbooks/audit_then_release.yml is not in the tarball; running tests/build/installed_smoke.yml instead."
        playbook=$PWD/tests/build/installed_smoke.yml
    fi
    run_dir=$work/run
    mkdir -p "$run_dir"
    (
        cd "$run_dir"
        unset ANSIBLE_CONFIG ANSIBLE_ROLES_PATH
        export ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
        # Only the implicit localhost is used, on purpose: it runs modules with
        # the interpreter of ansible-playbook, which has requests.
        export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
        export SMA_URL=$SMA_SIM_URL SMA_USERNAME=builder SMA_PASSWORD=$password SMA_CA_PATH=$work/tls/ca.pem
        ansible-playbook "$playbook" "${playbook_args[@]}"
    )
    printf 'The installed copy ran %s from %s.\n' "${playbook#"$work"/}" "$run_dir"
}

main "$@"

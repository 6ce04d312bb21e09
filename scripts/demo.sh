#!/usr/bin/env bash
# Run the audit-then-release workflow against the SMA API simulator and show
# what it produced: the Markdown report and the mail-log lines of this run.
#
# Every run starts with an empty .demo/ folder, and only .venv is reused. The
# simulator user's password is made per run and reaches the playbook only
# through the SMA_PASSWORD environment variable. The last line printed is the
# path of the report, when the playbook wrote one.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

PLAYBOOK=playbooks/audit_then_release.yml
DEMO_DIR=.demo
QUARANTINE=TEST_QUARANTINE
SENDER_DOMAIN=labcisco.com

# print_section TITLE: print a heading that is easy to find in a terminal and in a CI log.
print_section() {
    printf '\n===== %s =====\n' "$1"
}

# count_lines FILE: the number of lines in FILE, 0 when it does not exist.
count_lines() {
    if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

main() {
    local password mail_log lines_before lines_after report status=0

    if [ ! -f "$PLAYBOOK" ]; then
        die "$PLAYBOOK does not exist yet, so there is nothing to run. It is part of the collection's playbooks/; add it, then run make demo again."
    fi

    ensure_venv .venv requirements-run.txt
    use_venv .venv
    ensure_collection_link

    rm -rf "$DEMO_DIR"
    mkdir -p "$DEMO_DIR/reports" "$DEMO_DIR/tls"
    DEMO_DIR=$(cd "$DEMO_DIR" && pwd)
    mail_log=$DEMO_DIR/mail.log

    password=$(random_password)
    SIM_LOG_FILE=$DEMO_DIR/simulator.log start_simulator \
        --tls --dataset lab --cert-dir "$DEMO_DIR/tls" --mail-log "$mail_log" --user "demo:$password"

    export SMA_URL=$SMA_SIM_URL
    export SMA_USERNAME=demo
    export SMA_PASSWORD=$password
    export SMA_CA_PATH=$DEMO_DIR/tls/ca.pem
    # Relative paths in ansible.cfg are resolved against its folder, and
    # Ansible ignores ./ansible.cfg in a world-writable directory.
    export ANSIBLE_CONFIG=$PWD/ansible.cfg

    lines_before=$(count_lines "$mail_log")
    print_section "ansible-playbook $PLAYBOOK"
    ansible-playbook "$PLAYBOOK" \
        -e "quarantine_name=$QUARANTINE" \
        -e "sender_domain=$SENDER_DOMAIN" \
        -e "report_dir=$DEMO_DIR/reports" || status=$?
    lines_after=$(count_lines "$mail_log")

    report=$(find "$DEMO_DIR/reports" -type f -name '*.md' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d ' ' -f 2-)
    if [ -n "$report" ]; then
        print_section "Report: $report"
        cat "$report"
    else
        print_section "Report"
        echo "The playbook wrote no Markdown report under $DEMO_DIR/reports."
    fi

    print_section "Mail log: $((lines_after - lines_before)) lines added by this run ($mail_log)"
    tail -n "+$((lines_before + 1))" "$mail_log" 2>/dev/null || true

    stop_simulator
    if [ "$status" -ne 0 ]; then
        log "ansible-playbook failed with exit status $status; its output is above."
    fi
    if [ -n "$report" ]; then
        printf '%s\n' "$report"
    fi
    return "$status"
}

main "$@"

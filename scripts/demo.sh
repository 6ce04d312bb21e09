#!/usr/bin/env bash
# Run the change-managed workflow against the SMA API simulator with its lab
# dataset, and show what it produced:
#   1. playbooks/audit_then_release.yml in check mode, and the simulator's
#      request log, which must show no POST;
#   2. the same playbook for real: audit, release, verification;
#   3. playbooks/release.yml again with the audit's manifest and its hash,
#      which must change nothing;
#   4. the audit report, the release report, the mail-log lines of the release
#      and the Policy quarantine, whose labcisco.com message stays.
#
# Every run starts with an empty .demo/ folder, and only .venv is reused. The
# simulator user's password is made per run and reaches the playbooks only
# through the SMA_PASSWORD environment variable. The last line printed is the
# path of the Markdown release report.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

PLAYBOOK=playbooks/audit_then_release.yml
RELEASE_PLAYBOOK=playbooks/release.yml
DEMO_DIR=.demo
QUARANTINE=TEST_QUARANTINE
SENDER_DOMAIN=labcisco.com
CHANGE_REF=DEMO-1

# print_section TITLE: print a heading that is easy to find in a terminal and in a CI log.
print_section() {
    printf '\n===== %s =====\n' "$1"
}

# count_lines FILE: the number of lines in FILE, 0 when it does not exist.
count_lines() {
    if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# admin PATH [METHOD]: print the JSON response of the simulator's admin interface.
admin() {
    python - "$SMA_SIM_URL/_sim/$1" "${2:-GET}" "$SMA_CA_PATH" <<'PY'
import json
import ssl
import sys
import urllib.request

url, method, ca_path = sys.argv[1:4]
context = ssl.create_default_context(cafile=ca_path)
with urllib.request.urlopen(urllib.request.Request(url, method=method), context=context, timeout=30) as response:
    print(json.dumps(json.load(response)))
PY
}

# json_value FILE KEY...: print the value under KEY... in a JSON file; strings
# as they are, other values as JSON (true, false, numbers).
json_value() {
    python - "$@" <<'PY'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    value = json.load(handle)
for key in sys.argv[2:]:
    value = value[key]
print(value if isinstance(value, str) else json.dumps(value))
PY
}

# newest FOLDER PATTERN: the path of the newest file matching PATTERN in FOLDER.
newest() {
    find "$1" -maxdepth 1 -type f -name "$2" -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d ' ' -f 2-
}

# show_quarantines: print how many messages the demo quarantine contains, and
# the senders in Policy. Policy contains a labcisco.com message that the run
# must leave there.
show_quarantines() {
    local mid list senders=()
    for mid in $(admin "state?quarantine=Policy" | python -c 'import json, sys; print(*json.load(sys.stdin)["quarantines"]["Policy"])'); do
        senders+=("$mid $(admin "messages/$mid" | python -c 'import json, sys; print(json.load(sys.stdin)["attributes"]["sender"])')")
    done
    printf '%s contains %s messages.\n' "$QUARANTINE" \
        "$(admin "state?quarantine=$QUARANTINE" | python -c 'import json, sys; print(len(json.load(sys.stdin)["quarantines"][sys.argv[1]]))' "$QUARANTINE")"
    list=$(IFS=','; echo "${senders[*]}")
    printf 'Policy contains: %s\n' "${list//,/, }"
}

main() {
    local password mail_log reports lines_before lines_after posts manifest manifest_hash report audit_report rerun_report

    if [ ! -f "$PLAYBOOK" ]; then
        die "$PLAYBOOK does not exist, so there is nothing to run; restore it from git."
    fi

    ensure_venv .venv requirements-run.txt
    use_venv .venv
    ensure_collection_link

    rm -rf "$DEMO_DIR"
    mkdir -p "$DEMO_DIR/reports" "$DEMO_DIR/check" "$DEMO_DIR/tls"
    DEMO_DIR=$(cd "$DEMO_DIR" && pwd)
    mail_log=$DEMO_DIR/mail.log
    reports=$DEMO_DIR/reports

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

    print_section "Simulator before the run"
    show_quarantines

    print_section "1. ansible-playbook $PLAYBOOK --check"
    admin requests DELETE >/dev/null
    ansible-playbook "$PLAYBOOK" --check \
        -e "quarantine_name=$QUARANTINE" -e "sender_domain=$SENDER_DOMAIN" -e "report_dir=$DEMO_DIR/check"
    posts=$(admin requests | python -c 'import json, sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r["method"] != "GET"))')
    printf 'Requests other than GET during the check-mode run: %s\n' "$posts"
    [ "$posts" -eq 0 ] || die "The check-mode run sent $posts requests other than GET; check mode must not change anything."

    print_section "2. ansible-playbook $PLAYBOOK"
    lines_before=$(count_lines "$mail_log")
    ansible-playbook "$PLAYBOOK" \
        -e "quarantine_name=$QUARANTINE" -e "sender_domain=$SENDER_DOMAIN" -e "report_dir=$reports" \
        -e "change_ref=$CHANGE_REF"
    lines_after=$(count_lines "$mail_log")
    audit_report=$(newest "$reports" 'audit-*.md')
    report=$(newest "$reports" 'release-*.md')
    manifest=$(newest "$reports" 'audit-*.json')
    [ -n "$report" ] && [ -n "$manifest" ] || die "The playbook wrote no audit manifest or release report under $reports."

    print_section "3. ansible-playbook $RELEASE_PLAYBOOK again with the approved manifest"
    manifest_hash=$(json_value "$manifest" hash value)
    # One second apart at least, so that the second release report gets its own file name.
    sleep 1
    ansible-playbook "$RELEASE_PLAYBOOK" -e "manifest=$manifest" -e "approved_hash=$manifest_hash" \
        -e "change_ref=$CHANGE_REF" -e "report_dir=$reports"
    rerun_report=$(newest "$reports" 'release-*.json')
    printf 'The second release reports changed: %s\n' "$(json_value "$rerun_report" changed)"

    print_section "Audit report: $audit_report"
    cat "$audit_report"

    print_section "Mail log: $((lines_after - lines_before)) lines added by the release ($mail_log)"
    sed -n "$((lines_before + 1)),${lines_after}p" "$mail_log"

    print_section "Simulator after the run"
    show_quarantines

    stop_simulator

    print_section "Release report: $report"
    cat "$report"
    printf '\n%s\n' "$report"
}

main "$@"

#!/usr/bin/env bash
# Cisco TechNote 225700 ("Automate message release in PVO") as a shell script:
# curl GETs the quarantine page by page with limit and offset, jq keeps the
# MIDs whose sender ends with @DOMAIN, jq builds one release payload per batch,
# curl POSTs each payload, and the check reads the mail log and runs the GET
# again to see the MIDs gone.
#
# Differences from the TechNote, each to make it do the same job as the
# collection and the floor:
# - it loops over offsets until totalCount instead of one hand-edited GET;
# - the jq filter lower-cases the sender first (ascii_downcase), because the
#   TechNote's endswith("@labcisco.com") is case-sensitive and would miss the
#   generated senders at Bulk.Example;
# - orderDir=asc, as the collection sends (the TechNote shows desc).
#
# Usage: recipe.sh QUARANTINE DOMAIN PAGE_SIZE BATCH_SIZE WORK_DIR MAIL_LOG
# Connection settings come from SMA_URL, SMA_USERNAME and SMA_PASSWORD. The
# last line printed is a JSON summary.
set -euo pipefail

quarantine=$1 domain=$2 limit=$3 batch=$4 work=$5 mail_log=$6
api=$SMA_URL/sma/api/v2.0
token=$(printf '%s:%s' "$SMA_USERNAME" "$SMA_PASSWORD" | base64 -w 0)
start_date=2000-01-01T00:00:00.000Z
end_date=$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:00.000Z)
query="quarantineType=pvo&quarantines=$quarantine&orderBy=received&orderDir=asc&startDate=$start_date&endDate=$end_date"

mkdir -p "$work"
rm -f "$work"/*.json "$work"/*.txt

# get_page OFFSET FILE: one curl GET per page, as in the TechNote. The
# Authorization header goes through a config file on stdin, so the encoded
# credentials never appear in the process list.
get_page() {
    printf 'header = "Authorization: Basic %s"\n' "$token" |
        curl -sS --fail -K - -X GET "$api/quarantine/messages?$query&limit=$limit&offset=$1" \
            -H "Accept: application/json" -o "$2"
}

# 1. Read every page and keep the MIDs whose sender is at exactly DOMAIN.
offset=0
total=
while [ -z "$total" ] || [ "$offset" -lt "$total" ]; do
    get_page "$offset" "$work/response.json"
    if [ -z "$total" ]; then
        total=$(jq '.meta.totalCount' "$work/response.json")
    fi
    jq --arg suffix "@$domain" \
        '.data[] | select(.attributes.sender | ascii_downcase | endswith($suffix)) | .mid' \
        "$work/response.json" >>"$work/mids.txt"
    offset=$((offset + limit))
done
touch "$work/mids.txt"
jq -s '.' "$work/mids.txt" >"$work/mids-$domain.json"
found=$(jq 'length' "$work/mids-$domain.json")

# 2. One payload per batch of BATCH MIDs, one curl POST per payload.
[ -f "$mail_log" ] || touch "$mail_log"
log_lines_before=$(wc -l <"$mail_log")
jq -c --arg q "$quarantine" --argjson n "$batch" \
    '_nwise($n) | {action: "release", quarantineType: "pvo", quarantineName: $q, mids: .}' \
    "$work/mids-$domain.json" >"$work/payloads.txt"
released=0
while IFS= read -r payload; do
    printf '%s' "$payload" >"$work/payload.json"
    printf 'header = "Authorization: Basic %s"\n' "$token" |
        curl -sS --fail -K - -X POST "$api/quarantine/messages" \
            -H "Content-Type: application/json" -H "Accept: application/json" \
            -d @"$work/payload.json" -o "$work/release.json"
    released=$((released + $(jq '.data.totalCount' "$work/release.json")))
done <"$work/payloads.txt"

# 3. Check: the mail log has one release line per MID, and a new read of the
# quarantine no longer holds any of them.
log_lines=$(tail -n "+$((log_lines_before + 1))" "$mail_log" |
    grep -c "released from quarantine \"$quarantine\" (manual)" || true)
offset=0
total=
: >"$work/remaining.txt"
while [ -z "$total" ] || [ "$offset" -lt "$total" ]; do
    get_page "$offset" "$work/response.json"
    if [ -z "$total" ]; then
        total=$(jq '.meta.totalCount' "$work/response.json")
    fi
    jq '.data[].mid' "$work/response.json" >>"$work/remaining.txt"
    offset=$((offset + limit))
done
still_present=$(sort "$work/remaining.txt" | comm -12 - <(sort "$work/mids.txt") | wc -l)

printf '{"found": %d, "released": %d, "mail_log_lines": %d, "still_present": %d}\n' \
    "$found" "$released" "$log_lines" "$still_present"

#!/usr/bin/env bash
# Fault test: the API and two workers (Release builds) on a PostgreSQL cluster of their own, with a real SMTP server,
# under a bounded load of API calls (open a case, draft an erasure request, approve its letter). While the load runs,
# one worker is killed with SIGKILL and PostgreSQL is restarted. Then it checks, without touching anything:
#   - every accepted approval was handled: its letter was sent and the request is Sent;
#   - no letter was sent twice: every Message-ID reached the SMTP server exactly once;
#   - no deadline check was lost: every sent request has its check-erasure-deadline scheduled in Wolverine;
#   - the service recovered by itself: the API and the surviving worker are ready, nothing is dead-lettered.
# Usage: ops/fault-test.sh [CASES] [PARALLEL]     (defaults 60 and 4; TAKEDOWN_SKIP_BUILD=1 skips the build)
# Prints the figures and exits non-zero when a check fails. Everything runs on 127.0.0.1 and is removed afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cases=${1:-60}
parallel=${2:-4}
python=/usr/bin/python3

state=$(mktemp -d /tmp/takedown-fault.XXXXXX)
chmod 755 "$state"
mkdir -p "$state/mail" "$state/logs" "$state/ids"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$root/ops/postgres.sh" stop "$state/pg" || true
  if [ "${TAKEDOWN_KEEP_STATE:-0}" = 1 ]; then echo "state kept in $state"; else rm -rf "$state"; fi
}
trap cleanup EXIT INT TERM

free_port() { $python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

if [ "${TAKEDOWN_SKIP_BUILD:-0}" != 1 ]; then
  log "building Release binaries"
  dotnet build src/Takedown.Api -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build src/Takedown.Worker -c Release -nologo -v q -clp:ErrorsOnly
fi

admin=$("$root/ops/postgres.sh" start "$state/pg" | tail -1)
export PGPASSWORD; PGPASSWORD=$(cat "$state/pg/pw")
pgport=$(cat "$state/pg/port")
sql() { psql -h 127.0.0.1 -p "$pgport" -U postgres -d takedown -tAqc "$1"; }
psql -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE DATABASE takedown"

# The SMTP server stops when its stdin closes: a FIFO held open by this script keeps it running until the end.
mkfifo "$state/smtp.in"
$python tests/Takedown.Testing/smtp_server.py "$state/mail" < "$state/smtp.in" > "$state/logs/smtp.log" 2>&1 &
pids+=($!)
exec 9> "$state/smtp.in"
for _ in $(seq 50); do grep -q READY "$state/logs/smtp.log" && break; sleep 0.1; done
smtp_port=$(awk '/READY/ {print $2}' "$state/logs/smtp.log")

key="fault-test-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export ConnectionStrings__Takedown="${admin/Database=postgres/Database=takedown}"
export Privacy__MasterKey; Privacy__MasterKey=$(head -c 32 /dev/urandom | base64)
export Mail__Host=127.0.0.1 Mail__Port=$smtp_port Mail__TlsMode=None Mail__FromAddress=brieven@takedown.example
export Letters__ReplyDomain=takedown.example Letters__ReplySecret=fault-test-reply-secret-0123456789
export Integrations__Partners__fault__ApiKeySha256; Integrations__Partners__fault__ApiKeySha256=$(printf '%s' "$key" | sha256sum | cut -c1-64)
export Integrations__Partners__fault__Scopes__0=cases:read Integrations__Partners__fault__Scopes__1=cases:write
export RateLimits__Integration__Burst=10000 RateLimits__Integration__PerSecond=10000
# A killed worker's leases expire after this; the survivor then takes its messages over.
export Messaging__LeaseDuration=00:00:20 Messaging__PollingInterval=00:00:00.500
export Logging__LogLevel__Default=Warning

# Production changes no schema itself: Marten's tables come from its own command first, as docs/operations.md says.
dotnet src/Takedown.Api/bin/Release/net10.0/Takedown.Api.dll db-apply >> "$state/logs/db-apply.log" 2>&1 \
  || { echo "db-apply failed:" >&2; tail -20 "$state/logs/db-apply.log" >&2; exit 1; }

api_port=$(free_port); w1_port=$(free_port); w2_port=$(free_port)
start() { local name=$1 port=$2 tag=$3; shift 3
  Worker__Name=$tag dotnet "src/$name/bin/Release/net10.0/$name.dll" --urls "http://127.0.0.1:$port" "$@" \
    >> "$state/logs/$tag.log" 2>&1 &
  pids+=($!); }
start Takedown.Worker "$w1_port" worker-1; w1=$!
start Takedown.Worker "$w2_port" worker-2; w2=$!
start Takedown.Api "$api_port" api
ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/health/ready"; }
for _ in $(seq 120); do ready "$api_port" && ready "$w1_port" && ready "$w2_port" && break; sleep 0.5; done
ready "$api_port" && ready "$w1_port" && ready "$w2_port" || { tail -50 "$state"/logs/*.log; echo "hosts did not start"; exit 1; }
log "API :$api_port, workers :$w1_port (pid $w1) and :$w2_port (pid $w2), PostgreSQL :$pgport, SMTP :$smtp_port"

base="http://127.0.0.1:$api_port/api/v1"
# A client that retries like a real integration: a failed call (connection refused while PostgreSQL restarts, a 5xx)
# is tried again with a pause; what counts as accepted is an approval the API answered with 202.
call() { local method=$1 url=$2 body=${3:-} out
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if out=$(curl -sS -m 10 -X "$method" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
        ${body:+--data "$body"} -w '\n%{http_code}' "$url" 2>/dev/null); then
      local code=${out##*$'\n'}
      if [ "${code:0:1}" = 2 ]; then printf '%s' "${out%$'\n'*}"; return 0; fi
      if [ "${code:0:1}" = 4 ] && [ "$code" != 429 ] && [ "$code" != 409 ]; then return 1; fi
    fi
    echo x >> "$state/retries"
    sleep 1
  done
  return 1
}
one_case() { local n=$1 c r letter sha
  c=$(call POST "$base/cases" "{\"victimName\":\"Fault Test $n\",\"victimEmail\":\"victim$n@slachtoffer.example\"}" | jq -r .id) || return 0
  r=$(call POST "$base/cases/$c/erasure-requests" "{\"controllerName\":\"Controller $n B.V.\",\"controllerEmail\":\"privacy$n@controller.example\",\"controllerCountry\":\"NL\",\"personalData\":[\"adres\"],\"urls\":[\"https://doxx.example/p/$n\"]}" | jq -r .id) || return 0
  sha=$(call GET "$base/erasure-requests/$r/letter" | jq -r .contentSha256) || return 0
  echo "$r" > "$state/ids/$n.drafted"
  if call POST "$base/erasure-requests/$r/approve" "{\"contentSha256\":\"$sha\"}" > /dev/null; then echo "$r" > "$state/ids/$n.accepted"; fi
}

started=$(date +%s)
log "load: $cases cases, $parallel at a time"
faults=0
batch=()
for n in $(seq 1 "$cases"); do
  one_case "$n" &
  batch+=($!)
  if (( n % parallel == 0 )); then wait "${batch[@]}" || true; batch=(); fi
  if (( n == cases / 3 )); then
    log "fault: SIGKILL worker-1 (pid $w1)"; kill -9 "$w1"; faults=$((faults + 1))
  fi
  if (( n == 2 * cases / 3 )); then
    log "fault: pg_ctl restart"
    "$root/ops/postgres.sh" restart "$state/pg" >> "$state/logs/pg-restart.log" 2>&1
    faults=$((faults + 1))
  fi
done
[ "${#batch[@]}" -eq 0 ] || wait "${batch[@]}" || true
load_seconds=$(( $(date +%s) - started ))
accepted=$(cat "$state"/ids/*.accepted 2>/dev/null | sort -u)
accepted_count=$(printf '%s\n' "$accepted" | grep -c . || true)
drafted_count=$(ls "$state"/ids/*.drafted 2>/dev/null | wc -l)
log "load done in ${load_seconds}s: $drafted_count drafted, $accepted_count approvals accepted"

log "waiting for every accepted letter to be sent (the survivor takes over expired leases)"
deadline=$(( $(date +%s) + 240 ))
while :; do
  sent=$(sql "SELECT count(*) FROM takedown.request_overview WHERE status = 'Sent'")
  [ "$sent" -ge "$accepted_count" ] && break
  [ "$(date +%s)" -ge "$deadline" ] && break
  sleep 2
done

failures=0
check() { if eval "$2"; then log "ok    $1"; else log "FAIL  $1"; failures=$((failures + 1)); fi; }
lost=0
for r in $accepted; do
  status=$(sql "SELECT status FROM takedown.request_overview WHERE id = '$r'")
  [ "$status" = Sent ] || lost=$((lost + 1))
done
controller_mails=$(grep -l '^To: .*privacy[0-9]*@controller.example' "$state"/mail/*.eml 2>/dev/null | wc -l || true)
duplicates=$(grep -h -i '^Message-ID:' "$state"/mail/*.eml 2>/dev/null | sort | uniq -d | wc -l)
deliveries=$(ls "$state"/mail/*.eml 2>/dev/null | wc -l)
sent_ids=$(sql "SELECT id FROM takedown.request_overview WHERE status = 'Sent'" | sort)
checks_missing=0
for r in $sent_ids; do
  # Deadline checks wait in Wolverine: in its inbox (scheduled) or the deadline queue; the stored envelope holds the JSON.
  n=$(sql "SELECT (SELECT count(*) FROM takedown_messages.wolverine_incoming_envelopes WHERE status <> 'Handled' AND message_type = 'check-erasure-deadline' AND position(convert_to('$r', 'UTF8') IN body) > 0)
             + (SELECT count(*) FROM takedown_messages.wolverine_queue_deadlines_scheduled WHERE message_type = 'check-erasure-deadline' AND position(convert_to('$r', 'UTF8') IN body) > 0)
             + (SELECT count(*) FROM takedown_messages.wolverine_queue_deadlines WHERE message_type = 'check-erasure-deadline' AND position(convert_to('$r', 'UTF8') IN body) > 0)")
  [ "$n" -ge 1 ] || checks_missing=$((checks_missing + 1))
done
dead=$(sql "SELECT (SELECT count(*) FROM takedown.dead_letters) + (SELECT count(*) FROM takedown_messages.wolverine_dead_letters)")

check "every accepted approval was handled (lost: $lost of $accepted_count)" '[ "$lost" -eq 0 ] && [ "$accepted_count" -gt 0 ]'
check "each letter reached the SMTP server once ($deliveries deliveries, $duplicates Message-IDs twice)" '[ "$duplicates" -eq 0 ]'
check "one erasure letter per accepted approval ($controller_mails letters)" '[ "$controller_mails" -eq "$accepted_count" ]'
check "every sent request has its deadline check scheduled (missing: $checks_missing)" '[ "$checks_missing" -eq 0 ]'
check "nothing dead-lettered ($dead)" '[ "$dead" -eq 0 ]'
check "API and surviving worker ready after the faults, untouched" 'ready "$api_port" && ready "$w2_port"'
after=$(call POST "$base/cases" '{"victimName":"After Faults","victimEmail":"after@slachtoffer.example"}' | jq -r .id || true)
check "a new case is accepted after the faults" '[ -n "$after" ] && [ "$after" != null ]'

retries=$(wc -l < "$state/retries" 2>/dev/null || echo 0)
cat <<EOF

| figure | value |
| --- | ---: |
| cases opened under load (parallel $parallel) | $cases |
| requests drafted / approvals accepted | $drafted_count / $accepted_count |
| API calls retried by the client (during the faults) | $retries |
| load duration | ${load_seconds} s |
| faults injected | $faults (SIGKILL worker-1, pg_ctl restart) |
| SMTP deliveries (letters and victim notices) | $deliveries |
| accepted requests lost | $lost |
| letters sent twice | $duplicates |
| deadline checks lost | $checks_missing |
| dead letters | $dead |
EOF
[ "$failures" -eq 0 ] || { echo "$failures check(s) failed; logs in $state/logs"; TAKEDOWN_KEEP_STATE=1; exit 1; }
echo "all checks passed"

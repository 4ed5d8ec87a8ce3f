#!/usr/bin/env bash
# Runs Takedown locally: a PostgreSQL cluster of its own, the sandbox platform, the worker and the API.
# Mail goes to a pickup folder (.local/mail/*.eml). Ctrl-C stops everything (the cluster too).
# Ports: TAKEDOWN_API_PORT (5080), TAKEDOWN_WORKER_PORT (5081), TAKEDOWN_SANDBOX_PORT (5082).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/ops/prerequisites.sh" service

state=$root/.local
mkdir -p "$state"
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$state"; then
  # The repository sits under a folder the postgres user cannot enter (e.g. /root): keep the cluster in /var/tmp.
  state=/var/tmp/takedown-$(printf '%s' "$root" | md5sum | cut -c1-8)
  mkdir -p "$state"
fi
api_port=${TAKEDOWN_API_PORT:-5080}
worker_port=${TAKEDOWN_WORKER_PORT:-5081}
sandbox_port=${TAKEDOWN_SANDBOX_PORT:-5082}

admin=$("$root/ops/postgres.sh" start "$state/postgres" | tail -1)
pgport=$(cat "$state/postgres/port")
PGPASSWORD=$(cat "$state/postgres/pw") psql -h 127.0.0.1 -p "$pgport" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'takedown'" | grep -q 1 \
  || PGPASSWORD=$(cat "$state/postgres/pw") psql -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE DATABASE takedown"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$root/ops/postgres.sh" stop "$state/postgres"
}
trap cleanup EXIT INT TERM

# Local secrets, made once and kept in the git-ignored state folder (never in the repository).
secret() { [ -s "$state/$1" ] || head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$state/$1"; cat "$state/$1"; }
dev_api_key=$(secret dev-api-key)
export Letters__ReplySecret=$(secret reply-secret)
export Letters__ReplyDomain=takedown.localhost
export Mail__FromAddress=brieven@takedown.localhost
export Integrations__Partners__local__ApiKeySha256=$(printf '%s' "$dev_api_key" | sha256sum | cut -d' ' -f1)
export Integrations__Partners__local__Scopes__0=cases:read
export Integrations__Partners__local__Scopes__1=cases:write
export Integrations__Partners__local__Scopes__2=webhooks:manage
export Platforms__Sandbox__Channel=Api
export Platforms__Sandbox__Auth__Kind=ApiKey
export Platforms__Sandbox__Categories__0=Doxing Platforms__Sandbox__Categories__1=Stalking Platforms__Sandbox__Categories__2=IntimateImages Platforms__Sandbox__Categories__3=Threats
export Platforms__Sandbox__Auth__Header=X-Api-Key
export Platforms__Sandbox__Auth__Key=sandbox-key
export Platforms__Sandbox__ResponseTarget=2.00:00:00
# A platform without a report API: its notices are letters, written to the letters folder (docs/platform-reports.md).
export Platforms__SandboxMail__Channel=Email
export Platforms__SandboxMail__Email=meldingen@sandboxmail.localhost
export Platforms__SandboxMail__ResponseTarget=3.00:00:00
export Platforms__SandboxMail__Categories__0=Doxing Platforms__SandboxMail__Categories__1=Stalking Platforms__SandboxMail__Categories__2=IntimateImages Platforms__SandboxMail__Categories__3=Threats

export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
export ConnectionStrings__Takedown="${admin/Database=postgres/Database=takedown}"
export Mail__PickupDirectory="$root/.local/mail"
export Takedown__PublicBaseUrl="http://127.0.0.1:$api_port"
export Platforms__Sandbox__BaseUrl="http://127.0.0.1:$sandbox_port"
export Sandbox__WebhookUrl="http://127.0.0.1:$api_port/webhooks/sandbox"
[ -s "$state/sandbox-webhook-secret" ] || echo "whsec_$(head -c 24 /dev/urandom | base64)" > "$state/sandbox-webhook-secret"
export Sandbox__WebhookSecret=$(cat "$state/sandbox-webhook-secret")
export Webhooks__Incoming__sandbox__Secrets__0=$Sandbox__WebhookSecret
export Webhooks__Incoming__sandbox__Platform=Sandbox
mkdir -p "$Mail__PickupDirectory"

export Portal__EmailKey=$(secret portal-email-key)
[ -s "$state/master-key" ] || head -c 32 /dev/urandom | base64 > "$state/master-key"
export Privacy__MasterKey=$(cat "$state/master-key")
export Portal__PublicBaseUrl="http://127.0.0.1:$api_port"

dotnet build Takedown.sln -c Release -nologo -v q -clp:ErrorsOnly

# A local supervisor account for the operator dashboard, its password made once and printed below.
operator_password=$(secret operator-password)
[ -s "$state/operator-hash" ] || printf '%s\n' "$operator_password" \
  | dotnet src/Takedown.Api/bin/Release/net10.0/Takedown.Api.dll hash-password 2>/dev/null > "$state/operator-hash"
export Operators__Accounts__local__PasswordHash=$(cat "$state/operator-hash")
export Operators__Accounts__local__Role=Supervisor
run() { local name=$1 port=$2; shift 2
  dotnet "src/$name/bin/Release/net10.0/$name.dll" --urls "http://127.0.0.1:$port" "$@" &
  pids+=($!); }
run Takedown.Sandbox "$sandbox_port"
run Takedown.Worker "$worker_port"
run Takedown.Api "$api_port"

echo
echo "Takedown is running:"
echo "  API and portal    http://127.0.0.1:$api_port   (OpenAPI: /openapi/v1.json, health: /health/ready)"
echo "  worker health     http://127.0.0.1:$worker_port/health/ready"
echo "  sandbox platform  http://127.0.0.1:$sandbox_port"
echo "  PostgreSQL        127.0.0.1:$pgport (data in $state/postgres)"
echo "  letters (.eml)    $Mail__PickupDirectory"
echo "  portal            http://127.0.0.1:$api_port/            (sign-in links arrive in the letters folder)"
echo "  operators         http://127.0.0.1:$api_port/operator    (user: local, password: $operator_password)"
echo "  API key (local)   $dev_api_key   (curl -H 'Authorization: Bearer $dev_api_key' http://127.0.0.1:$api_port/api/v1/...)"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"

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

export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
export ConnectionStrings__Takedown="${admin/Database=postgres/Database=takedown}"
export Mail__PickupDirectory="$root/.local/mail"
export Takedown__PublicBaseUrl="http://127.0.0.1:$api_port"
export Platforms__Sandbox__BaseUrl="http://127.0.0.1:$sandbox_port"
export Sandbox__CallbackUrl="http://127.0.0.1:$api_port/webhooks/sandbox"
mkdir -p "$Mail__PickupDirectory"

dotnet build Takedown.sln -c Release -nologo -v q -clp:ErrorsOnly
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
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"

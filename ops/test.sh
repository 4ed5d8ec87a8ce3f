#!/usr/bin/env bash
# Runs every test against real parts: a throwaway PostgreSQL cluster, real SMTP and IMAP servers (started by the
# tests), Debian's Chromium. Installs what is missing first. Ends with the line "N passed, N failed".
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~EventStorage).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/ops/prerequisites.sh" test || { echo "prerequisites could not be installed"; echo "0 passed, 1 failed"; exit 1; }

run=$root/.local/test-run
rm -rf "$run"; mkdir -p "$run/tmp" "$run/results"
export TMPDIR=$run/tmp
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The browser tests' screenshots go with the run's results; ops/screenshots.sh points this at docs/screenshots/.
export TAKEDOWN_SCREENSHOTS=${TAKEDOWN_SCREENSHOTS:-$run/results/screenshots}

# Tools the tests take from the npm registry, pinned, each kept in its own folder of the git-ignored .local.
# npm_tool PACKAGE VERSION FILE WHAT: installs PACKAGE@VERSION unless FILE (relative to its folder) is there; prints the
# folder. A failed install is reported and the test that needs the tool fails, not the whole run.
npm_tool() {
  local dir=$root/.local/$(printf '%s' "$1" | tr -d '@' | tr '/' '-')-$2
  if [ ! -e "$dir/$3" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --silent "$1@$2" >&2 \
      || echo "$1 could not be installed; $4 will fail" >&2
  fi
  printf '%s' "$dir"
}
# axe-core: the WCAG checks of the portal's accessibility test.
export AXE_CORE_PATH=$(npm_tool axe-core 4.14.1 node_modules/axe-core/axe.min.js "the accessibility test")/node_modules/axe-core/axe.min.js
# Redocly CLI: the lint of the served OpenAPI document.
export REDOCLY_CLI_PATH=$(npm_tool @redocly/cli 2.77.0 node_modules/.bin/redocly "the OpenAPI lint test")/node_modules/.bin/redocly

# PostgreSQL: when a Docker engine answers, the tests' fixture starts a Testcontainers container per test process;
# otherwise one throwaway cluster here, handed to the tests as TAKEDOWN_TEST_POSTGRES (docs/operations.md, "Tests").
docker_answers() { command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1; }
pgdir=""
if [ -z "${TAKEDOWN_TEST_POSTGRES:-}" ] && docker_answers; then
  echo "PostgreSQL for the tests: Testcontainers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo Docker))" >&2
elif [ -z "${TAKEDOWN_TEST_POSTGRES:-}" ]; then
  # Outside the repository when it sits under a home folder the postgres user cannot traverse.
  pgdir=$(mktemp -d /tmp/takedown-test-pg.XXXXXX)
  TAKEDOWN_TEST_POSTGRES=$("$root/ops/postgres.sh" start "$pgdir" --test | tail -1) || { echo "0 passed, 1 failed"; exit 1; }
  export TAKEDOWN_TEST_POSTGRES
fi
cleanup() { [ -n "$pgdir" ] && { "$root/ops/postgres.sh" stop "$pgdir"; rm -rf "$pgdir"; }; }
trap cleanup EXIT

# A test run changes no file the repository tracks (screenshots go with the results): checked when the tree was clean.
tracked_before=""
if [ -z "${TAKEDOWN_ALLOW_TRACKED_CHANGES:-}" ] && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  tracked_before=$(git -C "$root" status --porcelain --untracked-files=no)
  [ -z "$tracked_before" ] && tracked_before=clean
fi

dotnet build Takedown.sln -c Release -nologo -v q -clp:ErrorsOnly
build=$?
# Production loads the handler code ops/codegen.sh wrote; a stale copy would start fine and fail at its first message.
if [ $build -eq 0 ] && ! TAKEDOWN_SKIP_BUILD=1 bash "$root/ops/codegen.sh" --check; then
  build=1
fi
status=$build
if [ $build -eq 0 ]; then
  dotnet test Takedown.sln -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$run/results" "$@"
  status=$?
fi

passed=0; failed=0
for trx in "$run"/results/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi   # a build or runner failure is a failure
if [ "$tracked_before" = clean ] && [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
  echo "The test run changed files the repository tracks:" >&2
  git -C "$root" status --porcelain --untracked-files=no >&2
  failed=$((failed + 1)); status=1
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $status -eq 0 ]

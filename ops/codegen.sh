#!/usr/bin/env bash
# Writes the handler code Wolverine generates, which production loads instead of compiling it at start-up
# (TypeLoadMode.Static), into src/Takedown.Application/Internal/Generated beside the handlers: one copy for the worker
# and the API (which loads it when it runs the worker in process). Run it after changing a Wolverine handler, its
# dependencies or the messaging setup, and commit the result.
#   ops/codegen.sh           write the code again
#   ops/codegen.sh --check   fail when the committed code differs from what the handlers generate now (CI runs this)
# No database is needed: the hosts are configured with placeholders and nothing connects.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
check=false
[ "${1:-}" = "--check" ] && check=true
[ "${TAKEDOWN_SKIP_BUILD:-}" = 1 ] || dotnet build src/Takedown.Worker -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
export ConnectionStrings__Takedown="Host=127.0.0.1;Port=1;Database=codegen;Username=codegen;Password=codegen"
export Privacy__MasterKey="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
export Mail__PickupDirectory=/tmp/takedown-codegen-pickup Letters__ReplyDomain=codegen.example
export Letters__ReplySecret=codegen-placeholder-secret-0123456789
rm -rf src/Takedown.Application/Internal/Generated
(cd src/Takedown.Worker && dotnet bin/Release/net10.0/Takedown.Worker.dll codegen write > /dev/null)
if $check; then
  paths=(src/Takedown.Application/Internal)
  changed=$(git diff --name-status -- "${paths[@]}"; git ls-files --others --exclude-standard -- "${paths[@]}")
  if [ -n "$changed" ]; then
    echo "The generated handler code is stale: run ops/codegen.sh and commit the result." >&2
    echo "$changed" >&2
    exit 1
  fi
  echo "generated handler code is current"
fi

#!/usr/bin/env bash
# Refreshes docs/screenshots/ when a page changes on purpose: runs the browser tests that take the screenshots (through
# ops/test.sh, so against the same real parts) with their screenshots going to docs/screenshots/ instead of the run's
# results folder. Review the changed images with `git diff --stat docs/screenshots` and commit them with the page's change.
# Extra arguments go to `dotnet test` after the filter.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export TAKEDOWN_SCREENSHOTS=$root/docs/screenshots
export TAKEDOWN_ALLOW_TRACKED_CHANGES=1
exec "$root/ops/test.sh" --filter "FullyQualifiedName~PortalBrowserTests|FullyQualifiedName~OperatorQueueTests|FullyQualifiedName~OperatorDashboardTests" "$@"

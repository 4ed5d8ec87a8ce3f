#!/usr/bin/env bash
# Installs what the service and its tests need from Debian's packages, when it is missing:
# PostgreSQL 15, a real SMTP server for tests (aiosmtpd), a real IMAP server for tests (dovecot), Chromium for
# browser tests and poppler's pdftoppm for comparing rendered PDFs.
# Usage: ops/prerequisites.sh [service|test]
set -euo pipefail
what=${1:-service}
missing=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
if [ "$what" = test ]; then
  /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
  # The IMAP reply tests start a dovecot of their own (tests/Takedown.Testing/ImapTestServer.cs).
  [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  # CHROMIUM_PATH names another Chromium-based browser where Debian's package is not the one to use.
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  # The PDF appearance test rasterises letters and the diary dossier to compare them with reference images.
  [ -x /usr/bin/pdftoppm ] || missing+=(poppler-utils)
  # The fault test script drives the API with curl and reads its answers with jq.
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  # npm fetches axe-core for the accessibility test.
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

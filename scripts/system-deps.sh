#!/usr/bin/env bash
# What the test suite needs from the system, installed from Debian's packages when missing:
# chromium (the Playwright browser tests drive it) and a PostgreSQL 15 server (the store tests
# start their own). Playwright's own browser download is not used.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql-15)
[ ${#need[@]} -eq 0 ] && exit 0

echo "installing from Debian: ${need[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: ${need[*]} missing and not root (no sudo) to install them" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"

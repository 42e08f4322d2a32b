#!/usr/bin/env bash
# Installs what the browser tests need, if missing: Debian's Chromium (as root, with apt-get) and
# playwright-core from npm (pinned in package-lock.json). Used by .ci/run and by tests/e2e.rs.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package) for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "the browser tests need Chromium: apt-get install -y chromium chromium-driver (as root)" >&2
    exit 1
  fi
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "installing playwright-core (npm) for the browser tests"
  npm ci --silent --no-audit --no-fund
fi

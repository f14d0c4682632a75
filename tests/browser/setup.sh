#!/usr/bin/env bash
# Installs what the browser tests (tests/it/browser.rs, tests/it/page_evidence.rs) need: Debian's
# Chromium, when missing, and, pinned by package-lock.json, playwright-core, which drives it (no
# browser download: it uses the system Chromium), and axe-core, which checks accessibility. Safe to run again. Called at the end of tests/interop/setup.sh.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "tests/browser/setup.sh: chromium is missing; install it as root: apt-get install -y chromium" >&2
    exit 1
  fi
fi
command -v node >/dev/null || { echo "tests/browser/setup.sh: node is missing (Node.js 18 or later)" >&2; exit 1; }
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

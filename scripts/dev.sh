#!/bin/sh
# Sets up what gamejournal needs on a fresh machine that has Node, npm, Go and
# apt but maybe no Bun, then runs a task:
#
#   sh scripts/dev.sh start   install Bun and the dependencies, start the server (embedded default)
#   sh scripts/dev.sh test    also install redis-server and chromium (browser tests) and build FerretDB when missing;
#                             typecheck; run every test
#
# `npm start` and `npm test` run these. Every step is skipped when already done.
set -eu
cd "$(dirname "$0")/.."

BUN_VERSION=1.4.5

say() { echo "[setup] $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    say "need root for: $*"; exit 1
  fi
}

ensure_bun() {
  if command -v bun >/dev/null 2>&1; then return; fi
  if [ -x .tools/npm/node_modules/.bin/bun ]; then PATH="$PWD/.tools/npm/node_modules/.bin:$PATH"; export PATH; return; fi
  say "installing bun@$BUN_VERSION from npm"
  if ! npm install -g "bun@$BUN_VERSION" >&2 || ! command -v bun >/dev/null 2>&1; then
    say "global install not possible; installing into .tools/npm"
    npm install --no-save --prefix .tools/npm "bun@$BUN_VERSION" >&2
    PATH="$PWD/.tools/npm/node_modules/.bin:$PATH"; export PATH
  fi
}

ensure_dependencies() {
  bun install --frozen-lockfile >&2
}

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1 || [ -n "${REDIS_URL:-}" ]; then return; fi
  say "installing redis-server with apt"
  as_root apt-get update >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends redis-server >&2
}

# The browser tests drive Debian's chromium through playwright-core, which downloads no browser of its own.
ensure_chromium() {
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return; fi
  say "installing chromium with apt (for the browser tests)"
  as_root apt-get update >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends chromium fonts-dejavu-core >&2
}

# Builds FerretDB now (about a minute, once) rather than inside the first test that needs it.
ensure_mongo() {
  if [ -n "${MONGODB_URI:-}" ]; then return; fi
  bun test/harness/prepare.ts >&2
}

task="${1:-}"
case "$task" in
  start)
    ensure_bun
    ensure_dependencies
    exec bun server/src/main.ts serve
    ;;
  test)
    shift
    ensure_bun
    ensure_dependencies
    ensure_redis
    ensure_chromium
    ensure_mongo
    bun run typecheck >&2
    exec bun test --timeout 60000 "$@"
    ;;
  *)
    echo "usage: sh scripts/dev.sh start|test [bun test arguments]" >&2
    exit 2
    ;;
esac

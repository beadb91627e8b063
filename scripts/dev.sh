#!/usr/bin/env bash
# Quick start from a fresh clone: `bash scripts/dev.sh demo [args...]` or `bash scripts/dev.sh test [jest args...]`.
# Sets up (Linux: scripts/setup-linux.sh; elsewhere, e.g. Git Bash on Windows: `npm ci` when needed), builds, then
# runs the demo or the tests, printing how long each phase took. Exits with the status of the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  demo) run=(npm run demo --) ;;
  test) run=(npm test --) ;;
  *) echo "usage: bash scripts/dev.sh demo|test [args...]" >&2; exit 2 ;;
esac
shift

phase() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "dev.sh: $name took $((SECONDS - start)) s"
}

if [ "$(uname -s)" = Linux ]; then
  phase setup bash scripts/setup-linux.sh
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  phase "npm ci" npm ci --no-audit --no-fund
fi
phase build npm run build
phase "$mode" "${run[@]}" "$@"

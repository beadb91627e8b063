#!/usr/bin/env bash
# Prepares a Debian machine to build and test: the Debian packages for cross-compiling with mingw-w64 and running
# Windows node.exe under Wine (installed only when missing; needs root), then `npm ci` when node_modules is missing or
# older than package-lock.json. Idempotent; one line per step. Does nothing on other systems.
set -euo pipefail
[ "$(uname -s)" = Linux ] || exit 0
cd "$(dirname "$0")/.."

# `wine` holds /usr/bin/wine; wine64 only recommends it.
# g++-mingw-w64-i686-posix: the win32-ia32 prebuild (scripts/build-native.js, cmake/mingw-w64-i686.cmake).
# clang and its sanitizer runtimes: the contract-double suite (scripts/double.js).
# winbind: Samba's ntlm_auth, which Wine's NTLM client runs (test/integration/auth-ntlm.test.ts).
# tinyproxy: the proxy the proxy tests start themselves (test/helpers/tinyproxy.ts); never run as a service.
packages=(wine wine64 g++-mingw-w64-x86-64-posix g++-mingw-w64-i686-posix mingw-w64-tools cmake make clang libclang-rt-dev winbind tinyproxy tmux)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
quietly() { "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "setup-linux: failed: $*" >&2; exit 1; }; }

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" 2>/dev/null | grep -qx 'Status: install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-linux: Debian packages present"
elif [ "$(id -u)" -ne 0 ]; then
  echo "setup-linux: missing Debian packages; as root run:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
else
  echo "setup-linux: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  quietly apt-get update
  quietly apt-get install -y "${missing[@]}"
fi

node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null \
  || { echo "setup-linux: Node.js 20 or later must be on PATH" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup-linux: npm ci"
  quietly npm ci --no-audit --no-fund
else
  echo "setup-linux: node_modules up to date"
fi

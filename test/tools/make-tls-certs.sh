#!/usr/bin/env bash
# Makes the certificates the TLS tests serve, fresh for each build (scripts/build-test-tools.js runs it; the tests
# read them from build/test-certs/). OpenSSL runs here, not in the tests: Windows node.exe under Wine cannot start a
# Linux program. Server certificates that must chain to a trusted root are signed by the suite CA
# (test/fixtures/tls/suite-trusted, in LocalMachine\Root while the suite runs; name-constrained to loopback), so each
# one fails for exactly one reason:
#   expired.pem      localhost, valid 2020-01-01 .. 2021-01-01                 -> cert-date-invalid
#   wrong-name.pem   DNS wrong-name.localhost only, served for localhost        -> cert-cn-invalid
#   wrong-usage.pem  localhost, extendedKeyUsage clientAuth only                -> cert-wrong-usage
#   extra-ca.pem, extra-server.pem  a CA in no store and a localhost certificate it signed (untrusted unless a
#                    session's ca: names it)
#   client-ca.pem, client.pem, client-key.pem, client.pfx (password "test-only")  a client CA and its client
#                    certificate, for servers that ask for one
# Usage: make-tls-certs.sh <output folder>
set -euo pipefail
out=$1
fixtures=$(cd "$(dirname "$0")/../fixtures/tls" && pwd)
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tls-sign.sh
source "$(dirname "$0")/tls-sign.sh"
sign() { tls_sign "$out" "$@"; }
SERVER=$TLS_SERVER_EXTENSIONS
CA=$TLS_CA_EXTENSIONS
NOW=20250101000000Z
LATER=20461231235959Z
SUITE=("$fixtures/suite-trusted/ca.pem" "$fixtures/suite-trusted/ca-key.pem")

sign expired localhost "$SERVER
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost" 20200101000000Z 20210101000000Z "${SUITE[@]}"
sign wrong-name wrong-name.localhost "$SERVER
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong-name.localhost" $NOW $LATER "${SUITE[@]}"
sign wrong-usage localhost "$SERVER
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost" $NOW $LATER "${SUITE[@]}"

sign extra-ca "winhttp extra CA (in no store; test only)" "$CA" $NOW $LATER self ""
sign extra-server localhost "$SERVER
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1" $NOW $LATER "$out/extra-ca.pem" "$out/extra-ca-key.pem"

sign client-ca "winhttp client CA (test only)" "$CA" $NOW $LATER self ""
sign client "winhttp test client" "basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth" $NOW $LATER "$out/client-ca.pem" "$out/client-ca-key.pem"
openssl pkcs12 -export -in "$out/client.pem" -inkey "$out/client-key.pem" -certfile "$out/client-ca.pem" \
  -passout pass:test-only -out "$out/client.pfx"

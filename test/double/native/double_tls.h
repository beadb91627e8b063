// The double's TLS: what verifying the server's certificate reports under the request's options, the server's
// certificate context (WINHTTP_OPTION_SERVER_CERT_CONTEXT) and the CryptoAPI calls that read and free it, and which
// handle each TLS option belongs on. Any thread.
#pragma once
#include "handle.h"

namespace contract_double {

// With the request's mutex held: the SECURE_FAILURE flags a handshake that finds `found` reports. Each
// SECURITY_FLAG_IGNORE_* bit of WINHTTP_OPTION_SECURITY_FLAGS waives its own failure and no other; revocation is
// checked only with WINHTTP_ENABLE_SSL_REVOCATION (WINHTTP_OPTION_ENABLE_FEATURE), so CERT_REVOKED and
// CERT_REV_FAILED are found only then (Option Flags reference).
DWORD SecureFailureAfterOptions(const Handle& request, DWORD found);

// WinHttpSetOption: false (the error set, a violation recorded) if `option` is a TLS option set on the wrong kind of
// handle: SECURITY_FLAGS and ENABLE_FEATURE on requests, SECURE_PROTOCOLS on sessions.
bool TlsOptionOnRightHandle(const Handle& handle, DWORD option, const char* api);

// WinHttpQueryOption(WINHTTP_OPTION_SERVER_CERT_CONTEXT), with the request's mutex held: a new context for the
// server's certificate, which the caller must free with CertFreeCertificateContext; its store holds every
// certificate the server sent. ERROR_WINHTTP_INCORRECT_HANDLE_STATE before the handshake or without one (http).
BOOL QueryServerCertContext(const Handle& handle, void* buffer, DWORD* bufferLength);

// WinHttpQueryOption(WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST), with the request's mutex held, after a send ended with
// ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: a SecPkgContext_IssuerListInfoEx in one block the caller frees with
// GlobalFree ("SSL in WinHTTP"). ERROR_WINHTTP_INCORRECT_HANDLE_STATE before that.
BOOL QueryClientCertIssuerList(const Handle& handle, void* buffer, DWORD* bufferLength);

// WINHTTP_OPTION_REQUEST_TIMES: `entry` (WINHTTP_REQUEST_TIME_ENTRY) happened now. Takes the request's mutex.
void StampRequestTime(Handle& request, int entry);

// The TLS handshake of a new https connection, between CONNECTED_TO_SERVER and SENDING_REQUEST: stamps its start and
// end, at least the script's handshakeMs apart. Takes the request's mutex; never holds it while waiting.
void Handshake(Handle& request);

// WinHttpQueryOption(WINHTTP_OPTION_REQUEST_TIMES), with the request's mutex held; ERROR_WINHTTP_INVALID_OPTION where
// the script says this WinHTTP predates it.
BOOL QueryRequestTimes(const Handle& handle, void* buffer, DWORD* bufferLength);

// GlobalFree (double_proxy.cc) of an issuer list: true if `memory` was one, now freed.
bool FreeIssuerList(HGLOBAL memory);

// Certificate contexts and issuer lists handed out and not yet freed.
int64_t LiveCertContexts();
int64_t LiveIssuerLists();

}  // namespace contract_double

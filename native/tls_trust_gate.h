// tls.ca's check, made before any byte of the request is sent: at WINHTTP_CALLBACK_STATUS_SENDING_REQUEST (the TLS
// handshake is done, nothing is written yet; .NET's WinHttpHandler calls its ServerCertificateValidationCallback
// there) the server's certificate (WINHTTP_OPTION_SERVER_CERT_CONTEXT) is checked against the session's roots
// (tls_trusted_roots.h). A refused request gets REQUEST_ERROR with ERROR_WINHTTP_SECURE_FAILURE and the reasons as
// SECURE_FAILURE flags, and its handle is closed at once: closing is the only cancel WinHTTP has (WinHttpCloseHandle
// reference), and what the closed handle still reports (12017 on Windows; on Wine the exchange it finishes anyway) is
// not passed on; HANDLE_CLOSING still is. The JS thread never waits for the check. No Node-API here.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include "platform/winhttp_api.h"
#include "tls_trusted_roots.h"

class RequestState;

class TrustGate {
 public:
  // JS thread, before the request is first sent: check every SENDING_REQUEST of the request against `roots`, for
  // `host` (lib/ follows redirects itself, so a request is sent only to the host it was opened for). `ignored`: the
  // SECURITY_FLAG_IGNORE_* bits the caller named (each waives its own reason).
  void Arm(std::shared_ptr<const TrustedRoots> roots, std::wstring host, DWORD ignored, bool checkRevocation);
  // The status callback's thread, for each notification before anything else handles it: true when the
  // notification is consumed here. May throw std::bad_alloc (from posting); the handle is closed before it does.
  bool Intercept(RequestState* state, DWORD status);
  // Any thread: the check refused the request and closed its handle.
  bool Refused() const { return refused_.load() != 0; }

 private:
  // The reasons the server's certificate is not trusted, 0 if it is; fails closed (INVALID_CERT) when it cannot
  // be checked.
  DWORD Check(HINTERNET request) const;

  std::shared_ptr<const TrustedRoots> roots_;
  std::wstring host_;
  DWORD ignored_ = 0;
  bool checkRevocation_ = false;
  std::atomic<DWORD> refused_{0};
};

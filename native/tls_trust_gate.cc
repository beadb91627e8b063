#include "tls_trust_gate.h"
#include "request_state.h"

void TrustGate::Arm(std::shared_ptr<const TrustedRoots> roots, std::wstring host, DWORD ignored, bool checkRevocation) {
  roots_ = std::move(roots);
  host_ = std::move(host);
  ignored_ = ignored;
  checkRevocation_ = checkRevocation;
}

DWORD TrustGate::Check(HINTERNET request) const {
  PCCERT_CONTEXT server = nullptr;
  DWORD size = sizeof(server);
  // The caller frees the context with CertFreeCertificateContext (Option Flags reference).
  if (!WinHttpQueryOption(request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &server, &size) || server == nullptr) {
    return WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
  }
  const DWORD reasons = roots_->Check(server, host_.c_str(), ignored_, checkRevocation_);
  CertFreeCertificateContext(server);
  return reasons;
}

bool TrustGate::Intercept(RequestState* state, DWORD status) {
  if (roots_ == nullptr) return false;
  // Refused: the closed handle's last words are not news, except that it is gone.
  if (refused_.load() != 0) return status != WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING;
  if (status != WINHTTP_CALLBACK_STATUS_SENDING_REQUEST) return false;
  DWORD reasons;
  try {
    reasons = Check(state->handle);
  } catch (...) {
    reasons = WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;  // could not check (out of memory): refuse
  }
  if (reasons == 0) return false;
  refused_.store(reasons);
  StatusEvent refusal;
  refusal.status = WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
  refusal.asyncApi = API_SEND_REQUEST;
  refusal.error = ERROR_WINHTTP_SECURE_FAILURE;
  refusal.secureFailure = reasons;
  // Posted before the close: HANDLE_CLOSING may be delivered inside WinHttpCloseHandle, and must come after it.
  try {
    state->sink()->Post(state, refusal);
  } catch (...) {
    state->pump.Close(state);
    throw;
  }
  state->pump.Close(state);  // now, or when the pump call this thread may be inside returns
  return true;
}

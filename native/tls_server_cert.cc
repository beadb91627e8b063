#include "tls_server_cert.h"

namespace {

// Frees the certificate context it holds (CertFreeCertificateContext), also when a copy throws.
struct HeldContext {
  PCCERT_CONTEXT context = nullptr;
  HeldContext() = default;
  HeldContext(const HeldContext&) = delete;
  HeldContext& operator=(const HeldContext&) = delete;
  ~HeldContext() {
    if (context != nullptr) CertFreeCertificateContext(context);
  }
};

std::string DerOf(PCCERT_CONTEXT certificate) {
  return std::string(reinterpret_cast<const char*>(certificate->pbCertEncoded), certificate->cbCertEncoded);
}

}  // namespace

// WINHTTP_OPTION_SERVER_CERT_CONTEXT hands over a certificate context that the caller frees with
// CertFreeCertificateContext (WinHTTP Option Flags reference). CertEnumCertificatesInStore frees the context it is
// given and returns the next one, null at the end.
bool ReadServerCertificates(HINTERNET request, std::vector<std::string>* certificates, DWORD* error) {
  HeldContext server;
  DWORD size = sizeof(server.context);
  if (!WinHttpQueryOption(request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &server.context, &size)) {
    *error = GetLastError();
    return false;
  }
  if (server.context == nullptr) {
    *error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    return false;
  }
  const std::string leaf = DerOf(server.context);
  certificates->push_back(leaf);
  HeldContext other;
  while ((other.context = CertEnumCertificatesInStore(server.context->hCertStore, other.context)) != nullptr) {
    std::string der = DerOf(other.context);
    if (der != leaf) certificates->push_back(std::move(der));
  }
  return true;
}

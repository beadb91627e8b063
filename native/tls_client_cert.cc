#include "tls_client_cert.h"

// WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST hands over a SecPkgContext_IssuerListInfoEx that WinHTTP allocated and the
// caller frees with GlobalFree ("SSL in WinHTTP", Option Flags reference).
bool ReadClientCertIssuers(HINTERNET request, std::vector<std::string>* issuers, DWORD* error) {
  SecPkgContext_IssuerListInfoEx* list = nullptr;
  DWORD size = sizeof(list);
  if (!WinHttpQueryOption(request, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, &list, &size)) {
    *error = GetLastError();
    return false;
  }
  if (list == nullptr) return true;
  try {
    for (DWORD i = 0; i < list->cIssuers; ++i) {
      const CERT_NAME_BLOB& name = list->aIssuers[i];
      issuers->emplace_back(reinterpret_cast<const char*>(name.pbData), name.cbData);
    }
  } catch (...) {
    GlobalFree(list);
    throw;
  }
  GlobalFree(list);
  return true;
}

bool UseNoClientCertificate(HINTERNET request) {
  return WinHttpSetOption(request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0) != FALSE;
}

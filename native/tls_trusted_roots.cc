#include "tls_trusted_roots.h"
#include <memory>

namespace {

const DWORD kEncoding = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;

// Chain errors the check reports by name (below); any other CERT_TRUST_* error bit is INVALID_CERT.
// UNTRUSTED_ROOT and PARTIAL_CHAIN are the default engine's word for "not a Windows root": whether the chain ends at
// one of the session's roots is checked on the chain itself. NOT_TIME_NESTED is obsolete (CERT_TRUST_STATUS
// reference: no longer set).
const DWORD kNamedChainErrors = CERT_TRUST_IS_UNTRUSTED_ROOT | CERT_TRUST_IS_PARTIAL_CHAIN | CERT_TRUST_IS_NOT_TIME_VALID |
                                CERT_TRUST_IS_NOT_TIME_NESTED | CERT_TRUST_IS_NOT_VALID_FOR_USAGE |
                                CERT_TRUST_IS_REVOKED | CERT_TRUST_REVOCATION_STATUS_UNKNOWN |
                                CERT_TRUST_IS_OFFLINE_REVOCATION;

class ClosedStore {
 public:
  explicit ClosedStore(HCERTSTORE store) : store_(store) {}
  ~ClosedStore() {
    if (store_ != nullptr) CertCloseStore(store_, 0);
  }
  HCERTSTORE get() const { return store_; }

 private:
  HCERTSTORE store_;
};

class FreedChain {
 public:
  ~FreedChain() {
    if (chain != nullptr) CertFreeCertificateChain(chain);
  }
  PCCERT_CHAIN_CONTEXT chain = nullptr;
};

// The SSL policy's verdict on the name only: unknown roots (checked on the chain), dates, usage and unknown
// revocation status (read from the chain's status) are ignored here, so CERT_E_CN_NO_MATCH is not hidden behind them.
DWORD NameReason(PCCERT_CHAIN_CONTEXT chain, const wchar_t* host) {
  SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl = {};
  ssl.cbSize = sizeof(ssl);
  ssl.dwAuthType = AUTHTYPE_SERVER;
  ssl.pwszServerName = const_cast<wchar_t*>(host);
  CERT_CHAIN_POLICY_PARA para = {};
  para.cbSize = sizeof(para);
  para.dwFlags = CERT_CHAIN_POLICY_ALLOW_UNKNOWN_CA_FLAG | CERT_CHAIN_POLICY_IGNORE_ALL_NOT_TIME_VALID_FLAGS |
                 CERT_CHAIN_POLICY_IGNORE_WRONG_USAGE_FLAG | CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS;
  para.pvExtraPolicyPara = &ssl;
  CERT_CHAIN_POLICY_STATUS status = {};
  status.cbSize = sizeof(status);
  if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain, &para, &status)) {
    return WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
  }
  if (status.dwError == static_cast<DWORD>(CERT_E_CN_NO_MATCH)) return WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
  if (status.dwError == static_cast<DWORD>(CERT_E_REVOKED)) return WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED;
  return status.dwError == 0 ? 0 : WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
}

}  // namespace

TrustedRoots* TrustedRoots::Create(const std::vector<std::string>& roots, CryptoFailure* failure) {
  HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, nullptr);
  if (store == nullptr) {
    failure->api = "CertOpenStore";
    failure->error = GetLastError();
    return nullptr;
  }
  std::unique_ptr<TrustedRoots> result;
  try {
    result.reset(new TrustedRoots(store, roots));
  } catch (...) {
    CertCloseStore(store, 0);
    throw;
  }
  for (const std::string& der : roots) {
    if (!CertAddEncodedCertificateToStore(store, kEncoding, reinterpret_cast<const BYTE*>(der.data()),
                                          static_cast<DWORD>(der.size()), CERT_STORE_ADD_ALWAYS, nullptr)) {
      failure->api = "CertAddEncodedCertificateToStore";
      failure->error = GetLastError();
      return nullptr;
    }
  }
  // hExclusiveRoot (Windows 7) needs the configuration's Windows 8 size; an older chain engine refuses that size
  // with E_INVALIDARG (as Wine 8 does), and the default engine is used instead.
  CERT_CHAIN_ENGINE_CONFIG config = {};
  config.cbSize = sizeof(config);
  config.hExclusiveRoot = store;
  HCERTCHAINENGINE engine = nullptr;
  if (CertCreateCertificateChainEngine(&config, &engine)) {
    result->engine_ = engine;
  } else if (GetLastError() != static_cast<DWORD>(E_INVALIDARG)) {
    failure->api = "CertCreateCertificateChainEngine";
    failure->error = GetLastError();
    return nullptr;
  }
  return result.release();
}

TrustedRoots::~TrustedRoots() {
  if (engine_ != nullptr) CertFreeCertificateChainEngine(engine_);
  CertCloseStore(store_, 0);
}

bool TrustedRoots::EndsAtRoot(PCCERT_CHAIN_CONTEXT chain) const {
  // The last simple chain ends at the root, or at the last certificate the engine found (a partial chain).
  if (chain->cChain == 0) return false;
  const CERT_SIMPLE_CHAIN* last = chain->rgpChain[chain->cChain - 1];
  if (last->cElement == 0) return false;
  PCCERT_CONTEXT top = last->rgpElement[last->cElement - 1]->pCertContext;
  const std::string der(reinterpret_cast<const char*>(top->pbCertEncoded), top->cbCertEncoded);
  for (const std::string& root : roots_) {
    if (root == der) return true;
  }
  return false;
}

DWORD TrustedRoots::Check(PCCERT_CONTEXT server, const wchar_t* host, DWORD ignored, bool checkRevocation) const {
  // The engine builds the chain from the certificates the server sent (the store of its context) and the roots.
  ClosedStore extra(CertOpenStore(CERT_STORE_PROV_COLLECTION, 0, 0, 0, nullptr));
  if (extra.get() == nullptr || !CertAddStoreToCollection(extra.get(), server->hCertStore, 0, 0) ||
      !CertAddStoreToCollection(extra.get(), store_, 0, 0)) {
    return WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
  }
  LPSTR serverAuth[] = {const_cast<LPSTR>(szOID_PKIX_KP_SERVER_AUTH)};
  CERT_CHAIN_PARA para = {};
  para.cbSize = sizeof(para);
  para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
  para.RequestedUsage.Usage.cUsageIdentifier = 1;
  para.RequestedUsage.Usage.rgpszUsageIdentifier = serverAuth;
  FreedChain built;
  // A null engine is HCCE_CURRENT_USER, the default one.
  if (!CertGetCertificateChain(engine_, server, nullptr, extra.get(), &para,
                               checkRevocation ? CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT : 0, nullptr,
                               &built.chain)) {
    return WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
  }
  const DWORD errors = built.chain->TrustStatus.dwErrorStatus;
  DWORD reasons = NameReason(built.chain, host);
  if (!EndsAtRoot(built.chain)) reasons |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
  if ((errors & CERT_TRUST_IS_NOT_TIME_VALID) != 0) reasons |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
  if ((errors & CERT_TRUST_IS_NOT_VALID_FOR_USAGE) != 0) reasons |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE;
  if ((errors & CERT_TRUST_IS_REVOKED) != 0) reasons |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED;
  if ((errors & (CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION)) != 0) {
    reasons |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED;
  }
  if ((errors & ~kNamedChainErrors) != 0) reasons |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
  // Each relaxation the caller named waives its own reason, as SECURITY_FLAGS do for WinHTTP's own check.
  if ((ignored & SECURITY_FLAG_IGNORE_UNKNOWN_CA) != 0) reasons &= ~WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
  if ((ignored & SECURITY_FLAG_IGNORE_CERT_CN_INVALID) != 0) reasons &= ~WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
  if ((ignored & SECURITY_FLAG_IGNORE_CERT_DATE_INVALID) != 0) reasons &= ~WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
  if ((ignored & SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE) != 0) reasons &= ~WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE;
  return reasons;
}

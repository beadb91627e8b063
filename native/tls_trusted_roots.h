// A session's extra trusted roots (tls.ca) and the check that a server's certificate chains to one of them, made
// with the Windows chain engine (CertGetCertificateChain, CertVerifyCertificateChainPolicy with CERT_CHAIN_POLICY_SSL),
// as Python's truststore and rustls-platform-verifier do. `ca` trusts exactly the roots it names: a chain that ends at
// a root of the Windows store but at none of these is refused (Node's `ca` replaces the default roots the same way).
// No Node-API here.
#pragma once
#include <string>
#include <vector>
#include "platform/winhttp_api.h"
#include "tls_cert_store.h"

class TrustedRoots {
 public:
  // JS thread: a memory store holding the roots (DER), and a chain engine that trusts only them (hExclusiveRoot,
  // CERT_CHAIN_ENGINE_CONFIG of Windows 8). Where CertCreateCertificateChainEngine refuses that configuration, the
  // default engine is used with the roots as an additional store; the check below then finds the root itself.
  // Null with the failure.
  static TrustedRoots* Create(const std::vector<std::string>& roots, CryptoFailure* failure);
  // Any thread: CertFreeCertificateChainEngine, then CertCloseStore.
  ~TrustedRoots();
  TrustedRoots(const TrustedRoots&) = delete;
  TrustedRoots& operator=(const TrustedRoots&) = delete;

  // Any thread (the status callback's, at SENDING_REQUEST): the WINHTTP_CALLBACK_STATUS_FLAG_* reasons why `server`
  // (with the certificates the server sent in its store) is not trusted for `host`, 0 when it is. A chain that does
  // not end at one of the roots is INVALID_CA; a wrong name CERT_CN_INVALID; expired or not yet valid
  // CERT_DATE_INVALID; not for server authentication CERT_WRONG_USAGE; revoked CERT_REVOKED and an unknown revocation
  // status CERT_REV_FAILED (both only with `checkRevocation`); any other chain error INVALID_CERT.
  // `ignored`: the SECURITY_FLAG_IGNORE_* bits the caller named, each waiving its own reason.
  DWORD Check(PCCERT_CONTEXT server, const wchar_t* host, DWORD ignored, bool checkRevocation) const;

  // Whether the engine trusts only these roots (else the default engine is used).
  bool exclusive() const { return engine_ != nullptr; }

 private:
  TrustedRoots(HCERTSTORE store, std::vector<std::string> roots) : store_(store), roots_(std::move(roots)) {}
  // With the chain built: its top certificate is one of the roots (compared by encoded bytes).
  bool EndsAtRoot(PCCERT_CHAIN_CONTEXT chain) const;

  HCERTSTORE store_;
  HCERTCHAINENGINE engine_ = nullptr;
  std::vector<std::string> roots_;
};

// The double's chain engine, for tls.ca's check (native/tls_trusted_roots.cc): memory and collection stores,
// CertCreateCertificateChainEngine (with hExclusiveRoot, or refusing the Windows 8 size with E_INVALIDARG as older
// engines and Wine do), CertGetCertificateChain and the SSL policy of CertVerifyCertificateChainPolicy. The
// certificates are opaque bytes: which one issued which, the names each is valid for and its own CERT_TRUST_* errors
// (dates, usage) come from the script (contractDouble.setChainEngine). Any thread.
#pragma once
#include <string>
#include <vector>
#include "winhttp_double.h"

namespace contract_double {

struct ScriptedChainCertificate {
  std::string der;
  std::string issuer;               // the issuer's DER; empty: self-signed (a root)
  std::vector<std::wstring> names;  // host names the certificate is valid for (the SSL policy's name check)
  DWORD errors = 0;                 // CERT_TRUST_* error bits of this certificate (NOT_TIME_VALID, NOT_VALID_FOR_USAGE)
};

struct ChainEngineScript {
  std::vector<ScriptedChainCertificate> certificates;
  std::vector<std::string> machineRoots;  // the roots the default engine trusts (the Windows store's)
  bool exclusiveRootRefused = false;      // CertCreateCertificateChainEngine refuses the Windows 8 size
};

void SetChainEngine(ChainEngineScript script);
// Chain engines and chain contexts handed out and not yet freed; CertGetCertificateChain calls so far (and with
// which engine kind: exclusive or default) since the script was set.
int64_t LiveChainEngines();
int64_t LiveChains();
struct ChainCalls {
  int64_t exclusive = 0;
  int64_t defaultEngine = 0;
};
ChainCalls ChainCallCounts();

}  // namespace contract_double

namespace contract_double {
// CertOpenStore's part for CERT_STORE_PROV_MEMORY and CERT_STORE_PROV_COLLECTION: a new empty store.
HCERTSTORE OpenEmptyStore();
}  // namespace contract_double

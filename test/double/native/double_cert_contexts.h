// The double's certificate contexts and stores, shared by the server certificate (double_tls.cc) and the client
// certificate stores (double_cert_store.cc): every context handed out is counted until its last
// CertFreeCertificateContext, every store until its CertCloseStore. Any thread, with TheContexts().mutex held.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "winhttp_double.h"

namespace contract_double {

// A certificate store's certificates: shared by every context taken from it, so a context outlives its store's close
// (CertCloseStore reference: without CERT_CLOSE_STORE_FORCE_FLAG the store's memory stays while contexts use it).
struct CertStore {
  std::vector<std::string> der;
  // Per certificate, the property that says CryptoAPI has its private key (CERT_KEY_PROV_INFO_PROP_ID for a key in a
  // container, CERT_KEY_CONTEXT_PROP_ID for one held in memory), 0 for none.
  std::vector<DWORD> keyProperty;
};

struct OwnedContext {
  CERT_CONTEXT context;
  std::shared_ptr<CertStore> store;
  size_t index;   // in store->der
  long position;  // in the store's enumeration order, or -1 for a context not from an enumeration
  int refs = 1;   // CertDuplicateCertificateContext adds one, CertFreeCertificateContext takes one
};

struct OpenStore {
  std::shared_ptr<CertStore> store;
  int opens = 1;
};

// Never destroyed (pool threads may free during exit).
struct Contexts {
  std::mutex mutex;
  std::map<PCCERT_CONTEXT, std::unique_ptr<OwnedContext>> live;  // by the pointer the caller holds
  std::map<HCERTSTORE, OpenStore> openStores;                    // CertOpenStore / PFXImportCertStore, not yet closed
  std::map<void*, std::unique_ptr<uint8_t[]>> issuerLists;       // GlobalFree frees these
};

Contexts& TheContexts();

// A new context for store->der[index]. With TheContexts().mutex held.
PCCERT_CONTEXT NewContext(const std::shared_ptr<CertStore>& store, size_t index, long position);

}  // namespace contract_double

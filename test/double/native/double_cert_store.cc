#include "double_cert_store.h"
#include <cstring>
#include <thread>
#include "double_cert_contexts.h"
#include "double_chain.h"
#include "double_world.h"

namespace contract_double {
namespace {

struct StoreScript {
  std::mutex mutex;
  CertStores stores;
  std::vector<DWORD> importFlags;
  std::vector<std::thread::id> importThreads;  // the thread of each PFXImportCertStore call
};

StoreScript& TheStoreScript() {
  static StoreScript* script = new StoreScript();
  return *script;
}

std::shared_ptr<CertStore> StoreOf(const std::vector<ScriptedCertificate>& certificates, DWORD keyProperty) {
  auto store = std::make_shared<CertStore>();
  for (const ScriptedCertificate& certificate : certificates) {
    store->der.push_back(certificate.der);
    store->keyProperty.push_back(certificate.hasPrivateKey ? keyProperty : 0);
  }
  return store;
}

// With TheContexts().mutex held.
HCERTSTORE Open(const std::shared_ptr<CertStore>& store) {
  TheContexts().openStores.emplace(store.get(), OpenStore{store, 1});
  return store.get();
}

// With TheContexts().mutex held: the live context behind `context`, or null (a violation recorded for `api`).
OwnedContext* LiveContext(PCCERT_CONTEXT context, const char* api) {
  auto found = TheContexts().live.find(context);
  if (found != TheContexts().live.end()) return found->second.get();
  World::Get().Violation(std::string(api) + ": not a live certificate context (freed already?)");
  return nullptr;
}

}  // namespace

void SetCertStores(CertStores stores) {
  std::lock_guard<std::mutex> lock(TheStoreScript().mutex);
  TheStoreScript().stores = std::move(stores);
  TheStoreScript().importFlags.clear();
  TheStoreScript().importThreads.clear();
}

std::vector<bool> PfxImportsOnThisThread() {
  std::lock_guard<std::mutex> lock(TheStoreScript().mutex);
  std::vector<bool> result;
  for (const std::thread::id& thread : TheStoreScript().importThreads) result.push_back(thread == std::this_thread::get_id());
  return result;
}

std::vector<DWORD> PfxImportFlags() {
  std::lock_guard<std::mutex> lock(TheStoreScript().mutex);
  return TheStoreScript().importFlags;
}

int64_t LiveCertStores() {
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  return static_cast<int64_t>(TheContexts().openStores.size());
}

bool HoldClientCertContext(Handle& request, const void* buffer, DWORD length) {
  // lpBuffer is the PCCERT_CONTEXT itself, dwBufferLength sizeof(CERT_CONTEXT) (Option Flags reference).
  if (length != sizeof(CERT_CONTEXT)) {
    World::Get().Violation("WinHttpSetOption: WINHTTP_OPTION_CLIENT_CERT_CONTEXT takes sizeof(CERT_CONTEXT)");
    SetLastError(ERROR_INVALID_PARAMETER);
    return false;
  }
  PCCERT_CONTEXT context = static_cast<PCCERT_CONTEXT>(buffer);
  {
    std::lock_guard<std::mutex> lock(TheContexts().mutex);
    OwnedContext* owned = LiveContext(context, "WinHttpSetOption(WINHTTP_OPTION_CLIENT_CERT_CONTEXT)");
    if (owned == nullptr) {
      SetLastError(ERROR_INVALID_PARAMETER);
      return false;
    }
    ++owned->refs;  // WinHTTP's CertDuplicateCertificateContext
  }
  PCCERT_CONTEXT previous;
  {
    std::lock_guard<std::mutex> lock(request.mutex);
    previous = request.request->clientCert;
    request.request->clientCert = context;
  }
  if (previous != nullptr) CertFreeCertificateContext(previous);
  return true;
}

void ReleaseClientCertContext(Handle& request) {
  PCCERT_CONTEXT held;
  {
    std::lock_guard<std::mutex> lock(request.mutex);
    held = request.request->clientCert;
    request.request->clientCert = nullptr;
  }
  if (held != nullptr) CertFreeCertificateContext(held);
}

std::string ClientCertificateDer(const Handle& request) {
  PCCERT_CONTEXT held = request.request->clientCert;
  if (held == nullptr) return std::string();
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  if (LiveContext(held, "the TLS handshake") == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(held->pbCertEncoded), held->cbCertEncoded);
}

}  // namespace contract_double

using namespace contract_double;

// "Opens a certificate store using a specified store provider type": here only CERT_STORE_PROV_SYSTEM_W "MY" of the
// current user or the local machine, as scripted. A fresh store's contents are copied at the open.
HCERTSTORE CertOpenStore(LPCSTR provider, DWORD, HCRYPTPROV_LEGACY, DWORD flags, const void* para) {
  // And new empty memory and collection stores (double_chain.cc), for tls.ca's roots and chain building.
  if (provider == CERT_STORE_PROV_MEMORY || provider == CERT_STORE_PROV_COLLECTION) return OpenEmptyStore();
  const DWORD location = flags & (CERT_SYSTEM_STORE_CURRENT_USER | CERT_SYSTEM_STORE_LOCAL_MACHINE);
  const wchar_t* name = static_cast<const wchar_t*>(para);
  if (provider != CERT_STORE_PROV_SYSTEM_W || name == nullptr || std::wcscmp(name, L"MY") != 0 ||
      (location != CERT_SYSTEM_STORE_CURRENT_USER && location != CERT_SYSTEM_STORE_LOCAL_MACHINE)) {
    World::Get().Violation("CertOpenStore: the double models only the system store MY of CurrentUser or LocalMachine");
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  std::shared_ptr<CertStore> store;
  {
    std::lock_guard<std::mutex> lock(TheStoreScript().mutex);
    const CertStores& stores = TheStoreScript().stores;
    store = StoreOf(location == CERT_SYSTEM_STORE_CURRENT_USER ? stores.currentUser : stores.localMachine,
                    CERT_KEY_PROV_INFO_PROP_ID);
  }
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  return Open(store);
}

// "Closes a certificate store handle"; contexts taken from it stay valid. CERT_CLOSE_STORE_FORCE_FLAG is what the
// WINHTTP_OPTION_CLIENT_CERT_CONTEXT reference forbids for a store whose certificate was given to WinHTTP.
BOOL CertCloseStore(HCERTSTORE store, DWORD flags) {
  if (store == nullptr) return TRUE;
  if ((flags & CERT_CLOSE_STORE_FORCE_FLAG) != 0) {
    World::Get().Violation("CertCloseStore: CERT_CLOSE_STORE_FORCE_FLAG (WinHTTP may still use its certificate)");
  }
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  auto found = TheContexts().openStores.find(store);
  if (found == TheContexts().openStores.end()) {
    World::Get().Violation("CertCloseStore: not an open store (closed twice?)");
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  if (--found->second.opens == 0) TheContexts().openStores.erase(found);
  return TRUE;
}

// CERT_FIND_EXISTING only: "an exact match of the specified certificate context" (its encoded bytes). A non-NULL
// previous context is freed; NULL with CRYPT_E_NOT_FOUND when nothing (more) matches.
PCCERT_CONTEXT CertFindCertificateInStore(HCERTSTORE store, DWORD, DWORD, DWORD findType, const void* findPara,
                                          PCCERT_CONTEXT previous) {
  if (findType != CERT_FIND_EXISTING) {
    World::Get().Violation("CertFindCertificateInStore: the double models only CERT_FIND_EXISTING");
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  size_t start = 0;
  PCCERT_CONTEXT result = nullptr;
  {
    std::lock_guard<std::mutex> lock(TheContexts().mutex);
    auto open = TheContexts().openStores.find(store);
    const auto* wanted = static_cast<PCCERT_CONTEXT>(findPara);
    if (open == TheContexts().openStores.end() || LiveContext(wanted, "CertFindCertificateInStore") == nullptr) {
      if (open == TheContexts().openStores.end()) World::Get().Violation("CertFindCertificateInStore: not an open store");
      SetLastError(ERROR_INVALID_PARAMETER);
      return nullptr;
    }
    if (previous != nullptr) {
      OwnedContext* before = LiveContext(previous, "CertFindCertificateInStore");
      if (before != nullptr) start = before->index + 1;
    }
    const std::string der(reinterpret_cast<const char*>(wanted->pbCertEncoded), wanted->cbCertEncoded);
    const std::shared_ptr<CertStore>& certificates = open->second.store;
    for (size_t i = start; i < certificates->der.size() && result == nullptr; ++i) {
      if (certificates->der[i] == der) result = NewContext(certificates, i, -1);
    }
  }
  if (previous != nullptr) CertFreeCertificateContext(previous);
  if (result == nullptr) SetLastError(static_cast<DWORD>(CRYPT_E_NOT_FOUND));
  return result;
}

// A context of its own for the encoded certificate, freed with CertFreeCertificateContext.
PCCERT_CONTEXT CertCreateCertificateContext(DWORD, const BYTE* encoded, DWORD length) {
  auto store = std::make_shared<CertStore>();
  store->der.emplace_back(reinterpret_cast<const char*>(encoded), length);
  store->keyProperty.push_back(0);
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  return NewContext(store, 0, -1);
}

// "Duplicates a certificate context by incrementing its reference count"; the same pointer comes back.
PCCERT_CONTEXT CertDuplicateCertificateContext(PCCERT_CONTEXT context) {
  if (context == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  OwnedContext* owned = LiveContext(context, "CertDuplicateCertificateContext");
  if (owned != nullptr) ++owned->refs;
  return context;
}

// Only the key properties: TRUE (and the size) when the certificate has a private key of that kind, else
// CRYPT_E_NOT_FOUND.
BOOL CertGetCertificateContextProperty(PCCERT_CONTEXT context, DWORD propertyId, void* data, DWORD* length) {
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  OwnedContext* owned = LiveContext(context, "CertGetCertificateContextProperty");
  if (owned == nullptr || owned->store->keyProperty[owned->index] != propertyId) {
    SetLastError(static_cast<DWORD>(CRYPT_E_NOT_FOUND));
    return FALSE;
  }
  if (data != nullptr) std::memset(data, 0, *length);  // the double keeps no key data
  *length = sizeof(void*);
  return TRUE;
}

// A scripted PFX with its password: a store of its certificates (keys held in memory under PKCS12_NO_PERSIST_KEY,
// else in a container); ERROR_INVALID_PASSWORD for a wrong one, ERROR_INVALID_DATA for bytes that are no scripted PFX.
HCERTSTORE PFXImportCertStore(CRYPT_DATA_BLOB* pfx, LPCWSTR password, DWORD flags) {
  std::shared_ptr<CertStore> store;
  {
    std::lock_guard<std::mutex> lock(TheStoreScript().mutex);
    TheStoreScript().importFlags.push_back(flags);
    TheStoreScript().importThreads.push_back(std::this_thread::get_id());
    const std::string bytes(reinterpret_cast<const char*>(pfx->pbData), pfx->cbData);
    for (const ScriptedPfx& scripted : TheStoreScript().stores.pfx) {
      if (scripted.bytes != bytes) continue;
      if (password == nullptr || scripted.password != password) {
        SetLastError(ERROR_INVALID_PASSWORD);
        return nullptr;
      }
      store = StoreOf(scripted.certificates,
                      (flags & PKCS12_NO_PERSIST_KEY) != 0 ? CERT_KEY_CONTEXT_PROP_ID : CERT_KEY_PROV_INFO_PROP_ID);
    }
  }
  if (store == nullptr) {
    SetLastError(ERROR_INVALID_DATA);
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  return Open(store);
}

#include "double_chain.h"
#include <algorithm>
#include <cwctype>
#include <map>
#include <memory>
#include <mutex>
#include "double_cert_contexts.h"
#include "double_world.h"

namespace contract_double {
namespace {

struct Engine {
  bool exclusive = false;
  std::vector<std::string> roots;  // hExclusiveRoot's certificates, copied at creation
};

// A chain context and what it owns: one simple chain, its elements and their certificate contexts.
struct OwnedChain {
  CERT_CHAIN_CONTEXT context{};
  CERT_SIMPLE_CHAIN simple{};
  PCERT_SIMPLE_CHAIN simplePointer = nullptr;
  std::vector<CERT_CHAIN_ELEMENT> elements;
  std::vector<PCERT_CHAIN_ELEMENT> elementPointers;
  std::vector<std::wstring> names;  // the leaf's, for the SSL policy's name check
};

struct ChainWorld {
  std::mutex mutex;
  ChainEngineScript script;
  std::map<HCERTCHAINENGINE, std::unique_ptr<Engine>> engines;
  std::map<PCCERT_CHAIN_CONTEXT, std::unique_ptr<OwnedChain>> chains;
  ChainCalls calls;
};

ChainWorld& TheChainWorld() {
  static ChainWorld* world = new ChainWorld();  // never destroyed (pool threads may free during exit)
  return *world;
}

// With TheContexts().mutex held: the store behind a handle, an open one or that of a live context (the server
// certificate's store is reachable only through its context).
std::shared_ptr<CertStore> StoreOf(HCERTSTORE handle) {
  auto open = TheContexts().openStores.find(handle);
  if (open != TheContexts().openStores.end()) return open->second.store;
  for (const auto& entry : TheContexts().live) {
    if (entry.second->store.get() == handle) return entry.second->store;
  }
  return nullptr;
}

bool Contains(const std::vector<std::string>& list, const std::string& der) {
  return std::find(list.begin(), list.end(), der) != list.end();
}

bool SameName(const std::wstring& a, const std::wstring& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](wchar_t x, wchar_t y) {
           return std::towlower(x) == std::towlower(y);
         });
}

}  // namespace

void SetChainEngine(ChainEngineScript script) {
  std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
  TheChainWorld().script = std::move(script);
  TheChainWorld().calls = ChainCalls();
}

int64_t LiveChainEngines() {
  std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
  return static_cast<int64_t>(TheChainWorld().engines.size());
}

int64_t LiveChains() {
  std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
  return static_cast<int64_t>(TheChainWorld().chains.size());
}

ChainCalls ChainCallCounts() {
  std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
  return TheChainWorld().calls;
}

HCERTSTORE OpenEmptyStore() {
  auto store = std::make_shared<CertStore>();
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  TheContexts().openStores.emplace(store.get(), OpenStore{store, 1});
  return store.get();
}

}  // namespace contract_double

using namespace contract_double;

// Adds the encoded certificate to an open store (CERT_STORE_ADD_ALWAYS: no duplicate check). No context out here.
BOOL CertAddEncodedCertificateToStore(HCERTSTORE store, DWORD, const BYTE* encoded, DWORD length, DWORD disposition,
                                      PCCERT_CONTEXT* added) {
  if (disposition != CERT_STORE_ADD_ALWAYS || added != nullptr || encoded == nullptr || length == 0) {
    World::Get().Violation("CertAddEncodedCertificateToStore: the double models CERT_STORE_ADD_ALWAYS without a context out");
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  auto open = TheContexts().openStores.find(store);
  if (open == TheContexts().openStores.end()) {
    World::Get().Violation("CertAddEncodedCertificateToStore: not an open store");
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  open->second.store->der.emplace_back(reinterpret_cast<const char*>(encoded), length);
  open->second.store->keyProperty.push_back(0);
  return TRUE;
}

// "Adds a sibling certificate store to a collection": the collection sees the sibling's certificates. The double
// copies them at the call (the shim adds nothing to a sibling afterwards).
BOOL CertAddStoreToCollection(HCERTSTORE collection, HCERTSTORE sibling, DWORD, DWORD) {
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  auto open = TheContexts().openStores.find(collection);
  std::shared_ptr<CertStore> from = StoreOf(sibling);
  if (open == TheContexts().openStores.end() || from == nullptr) {
    World::Get().Violation("CertAddStoreToCollection: not an open collection, or a sibling no one holds");
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  CertStore& into = *open->second.store;
  into.der.insert(into.der.end(), from->der.begin(), from->der.end());
  into.keyProperty.resize(into.der.size(), 0);
  return TRUE;
}

// hExclusiveRoot is read only with the configuration's full (Windows 8) size; the script may have the engine refuse
// that size with E_INVALIDARG, as engines older than Windows 8 (and Wine's) do.
BOOL CertCreateCertificateChainEngine(PCERT_CHAIN_ENGINE_CONFIG config, HCERTCHAINENGINE* engine) {
  if (config == nullptr || engine == nullptr) {
    SetLastError(static_cast<DWORD>(E_INVALIDARG));
    return FALSE;
  }
  auto created = std::make_unique<Engine>();
  {
    std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
    if (config->cbSize == sizeof(CERT_CHAIN_ENGINE_CONFIG) && TheChainWorld().script.exclusiveRootRefused) {
      SetLastError(static_cast<DWORD>(E_INVALIDARG));
      return FALSE;
    }
  }
  if (config->cbSize == sizeof(CERT_CHAIN_ENGINE_CONFIG) && config->hExclusiveRoot != nullptr) {
    std::lock_guard<std::mutex> lock(TheContexts().mutex);
    std::shared_ptr<CertStore> roots = StoreOf(config->hExclusiveRoot);
    if (roots == nullptr) {
      World::Get().Violation("CertCreateCertificateChainEngine: hExclusiveRoot is not an open store");
      SetLastError(static_cast<DWORD>(E_INVALIDARG));
      return FALSE;
    }
    created->exclusive = true;
    created->roots = roots->der;
  }
  std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
  *engine = created.get();
  TheChainWorld().engines.emplace(created.get(), std::move(created));
  return TRUE;
}

void CertFreeCertificateChainEngine(HCERTCHAINENGINE engine) {
  if (engine == nullptr) return;
  std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
  if (TheChainWorld().engines.erase(engine) == 0) {
    World::Get().Violation("CertFreeCertificateChainEngine: not a live engine (freed twice?)");
  }
}

// Builds the chain from the context's certificate up through the scripted issuers, each found in the additional
// store, the engine's exclusive roots or the machine's roots. A missing issuer ends a partial chain
// (CERT_TRUST_IS_PARTIAL_CHAIN); a root the engine does not trust is CERT_TRUST_IS_UNTRUSTED_ROOT; each certificate's
// scripted errors are added. A null engine is the default one (HCCE_CURRENT_USER).
BOOL CertGetCertificateChain(HCERTCHAINENGINE engine, PCCERT_CONTEXT context, void*, HCERTSTORE additionalStore,
                             CERT_CHAIN_PARA* para, DWORD, void* reserved, PCCERT_CHAIN_CONTEXT* chain) {
  if (context == nullptr || para == nullptr || para->cbSize < sizeof(CERT_CHAIN_PARA) || reserved != nullptr ||
      chain == nullptr) {
    World::Get().Violation("CertGetCertificateChain: a required argument is missing or wrong");
    SetLastError(static_cast<DWORD>(E_INVALIDARG));
    return FALSE;
  }
  std::vector<std::string> available;
  std::string leaf;
  {
    std::lock_guard<std::mutex> lock(TheContexts().mutex);
    if (TheContexts().live.count(context) == 0) {
      World::Get().Violation("CertGetCertificateChain: not a live certificate context");
      SetLastError(static_cast<DWORD>(E_INVALIDARG));
      return FALSE;
    }
    leaf.assign(reinterpret_cast<const char*>(context->pbCertEncoded), context->cbCertEncoded);
    if (additionalStore != nullptr) {
      std::shared_ptr<CertStore> extra = StoreOf(additionalStore);
      if (extra == nullptr) {
        World::Get().Violation("CertGetCertificateChain: hAdditionalStore is not an open store");
        SetLastError(static_cast<DWORD>(E_INVALIDARG));
        return FALSE;
      }
      available = extra->der;
    }
  }
  auto owned = std::make_unique<OwnedChain>();
  std::vector<std::string> path{leaf};
  DWORD errors = 0;
  {
    std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
    ChainWorld& world = TheChainWorld();
    Engine* used = nullptr;
    if (engine != nullptr) {
      auto found = world.engines.find(engine);
      if (found == world.engines.end()) {
        World::Get().Violation("CertGetCertificateChain: not a live chain engine");
        SetLastError(static_cast<DWORD>(E_INVALIDARG));
        return FALSE;
      }
      used = found->second.get();
    }
    const bool exclusive = used != nullptr && used->exclusive;
    ++(exclusive ? world.calls.exclusive : world.calls.defaultEngine);
    const std::vector<std::string>& trusted = exclusive ? used->roots : world.script.machineRoots;
    available.insert(available.end(), trusted.begin(), trusted.end());
    available.insert(available.end(), world.script.machineRoots.begin(), world.script.machineRoots.end());
    auto scripted = [&](const std::string& der) -> const ScriptedChainCertificate* {
      for (const ScriptedChainCertificate& c : world.script.certificates) {
        if (c.der == der) return &c;
      }
      return nullptr;
    };
    bool complete = false;
    while (path.size() < 10) {
      const ScriptedChainCertificate* current = scripted(path.back());
      if (current == nullptr) break;
      errors |= current->errors;
      if (path.size() == 1) owned->names = current->names;
      if (current->issuer.empty()) {
        complete = true;
        break;
      }
      if (!Contains(available, current->issuer)) break;
      path.push_back(current->issuer);
    }
    if (!complete) {
      errors |= CERT_TRUST_IS_PARTIAL_CHAIN;
    } else if (!Contains(trusted, path.back())) {
      errors |= CERT_TRUST_IS_UNTRUSTED_ROOT;
    }
  }
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  auto store = std::make_shared<CertStore>();
  store->der = path;
  store->keyProperty.assign(path.size(), 0);
  owned->elements.resize(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    owned->elements[i].cbSize = sizeof(CERT_CHAIN_ELEMENT);
    owned->elements[i].pCertContext = NewContext(store, i, -1);
    owned->elementPointers.push_back(&owned->elements[i]);
  }
  owned->simple.cbSize = sizeof(CERT_SIMPLE_CHAIN);
  owned->simple.TrustStatus.dwErrorStatus = errors;
  owned->simple.cElement = static_cast<DWORD>(path.size());
  owned->simple.rgpElement = owned->elementPointers.data();
  owned->simplePointer = &owned->simple;
  owned->context.cbSize = sizeof(CERT_CHAIN_CONTEXT);
  owned->context.TrustStatus.dwErrorStatus = errors;
  owned->context.cChain = 1;
  owned->context.rgpChain = &owned->simplePointer;
  *chain = &owned->context;
  std::lock_guard<std::mutex> chainLock(TheChainWorld().mutex);
  TheChainWorld().chains.emplace(&owned->context, std::move(owned));
  return TRUE;
}

void CertFreeCertificateChain(PCCERT_CHAIN_CONTEXT chain) {
  std::unique_ptr<OwnedChain> owned;
  {
    std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
    auto found = TheChainWorld().chains.find(chain);
    if (found == TheChainWorld().chains.end()) {
      World::Get().Violation("CertFreeCertificateChain: not a live chain (freed twice?)");
      return;
    }
    owned = std::move(found->second);
    TheChainWorld().chains.erase(found);
  }
  for (const CERT_CHAIN_ELEMENT& element : owned->elements) CertFreeCertificateContext(element.pCertContext);
}

// CERT_CHAIN_POLICY_SSL: the first error in the order Windows reports them, each ignorable by its policy flag: an
// untrusted root or a partial chain (ALLOW_UNKNOWN_CA), dates, usage, revocation, then the server name against the
// leaf's names. The function succeeds; the verdict is in pPolicyStatus->dwError.
BOOL CertVerifyCertificateChainPolicy(LPCSTR policy, PCCERT_CHAIN_CONTEXT chain, CERT_CHAIN_POLICY_PARA* para,
                                      CERT_CHAIN_POLICY_STATUS* status) {
  if (policy != CERT_CHAIN_POLICY_SSL || para == nullptr || status == nullptr || para->pvExtraPolicyPara == nullptr) {
    World::Get().Violation("CertVerifyCertificateChainPolicy: the double models CERT_CHAIN_POLICY_SSL with its extra para");
    SetLastError(static_cast<DWORD>(E_INVALIDARG));
    return FALSE;
  }
  const auto* ssl = static_cast<const SSL_EXTRA_CERT_CHAIN_POLICY_PARA*>(para->pvExtraPolicyPara);
  std::lock_guard<std::mutex> lock(TheChainWorld().mutex);
  auto found = TheChainWorld().chains.find(chain);
  if (found == TheChainWorld().chains.end()) {
    World::Get().Violation("CertVerifyCertificateChainPolicy: not a live chain");
    SetLastError(static_cast<DWORD>(E_INVALIDARG));
    return FALSE;
  }
  const DWORD errors = chain->TrustStatus.dwErrorStatus;
  const DWORD flags = para->dwFlags;
  DWORD verdict = 0;
  if ((errors & CERT_TRUST_IS_PARTIAL_CHAIN) != 0 && (flags & CERT_CHAIN_POLICY_ALLOW_UNKNOWN_CA_FLAG) == 0) {
    verdict = CERT_E_CHAINING;
  } else if ((errors & CERT_TRUST_IS_UNTRUSTED_ROOT) != 0 && (flags & CERT_CHAIN_POLICY_ALLOW_UNKNOWN_CA_FLAG) == 0) {
    verdict = CERT_E_UNTRUSTEDROOT;
  } else if ((errors & CERT_TRUST_IS_NOT_TIME_VALID) != 0 && (flags & 0x1) == 0) {
    verdict = CERT_E_EXPIRED;
  } else if ((errors & CERT_TRUST_IS_NOT_VALID_FOR_USAGE) != 0 &&
             (flags & CERT_CHAIN_POLICY_IGNORE_WRONG_USAGE_FLAG) == 0) {
    verdict = CERT_E_WRONG_USAGE;
  } else if ((errors & CERT_TRUST_IS_REVOKED) != 0) {
    verdict = CERT_E_REVOKED;
  } else if (ssl->pwszServerName != nullptr && (ssl->fdwChecks & SECURITY_FLAG_IGNORE_CERT_CN_INVALID) == 0) {
    const std::wstring host(ssl->pwszServerName);
    const std::vector<std::wstring>& names = found->second->names;
    const bool matches = std::any_of(names.begin(), names.end(), [&](const std::wstring& n) { return SameName(n, host); });
    if (!matches) verdict = CERT_E_CN_NO_MATCH;
  }
  status->dwError = verdict;
  status->lChainIndex = verdict == 0 ? -1 : 0;
  status->lElementIndex = verdict == 0 ? -1 : 0;
  return TRUE;
}

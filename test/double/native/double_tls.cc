#include "double_tls.h"
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "double_cert_contexts.h"
#include "double_world.h"

namespace contract_double {

Contexts& TheContexts() {
  static Contexts* contexts = new Contexts();
  return *contexts;
}

PCCERT_CONTEXT NewContext(const std::shared_ptr<CertStore>& store, size_t index, long position) {
  auto owned = std::make_unique<OwnedContext>();
  owned->store = store;
  owned->index = index;
  owned->position = position;
  std::string& der = store->der[index];
  owned->context.dwCertEncodingType = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
  owned->context.pbCertEncoded = reinterpret_cast<BYTE*>(der.data());
  owned->context.cbCertEncoded = static_cast<DWORD>(der.size());
  owned->context.pCertInfo = nullptr;  // the shim reads only the encoded bytes
  owned->context.hCertStore = store.get();
  PCCERT_CONTEXT pointer = &owned->context;
  TheContexts().live.emplace(pointer, std::move(owned));
  return pointer;
}

namespace {

struct Waiver {
  DWORD ignoreFlag;
  DWORD failure;
};

// SECURITY_FLAG_IGNORE_* and the one WINHTTP_CALLBACK_STATUS_FLAG_* failure each waives.
const Waiver kWaivers[] = {
    {SECURITY_FLAG_IGNORE_UNKNOWN_CA, WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA},
    {SECURITY_FLAG_IGNORE_CERT_CN_INVALID, WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID},
    {SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID},
    {SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE, WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE},
};

}  // namespace

DWORD SecureFailureAfterOptions(const Handle& request, DWORD found) {
  const DWORD ignore = request.DwordOption(WINHTTP_OPTION_SECURITY_FLAGS, 0);
  DWORD reported = found;
  for (const Waiver& waiver : kWaivers) {
    if ((ignore & waiver.ignoreFlag) != 0) reported &= ~waiver.failure;
  }
  if ((request.DwordOption(WINHTTP_OPTION_ENABLE_FEATURE, 0) & WINHTTP_ENABLE_SSL_REVOCATION) == 0) {
    reported &= ~(WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED | WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED);
  }
  return reported;
}

bool TlsOptionOnRightHandle(const Handle& handle, DWORD option, const char* api) {
  Kind wanted;
  switch (option) {
    case WINHTTP_OPTION_SECURITY_FLAGS:
    case WINHTTP_OPTION_ENABLE_FEATURE:
      wanted = Kind::kRequest;
      break;
    case WINHTTP_OPTION_SECURE_PROTOCOLS:
      wanted = Kind::kSession;
      break;
    default:
      return true;
  }
  if (handle.kind == wanted) return true;
  World::Get().Violation(std::string(api) + ": option " + std::to_string(option) + " set on the wrong kind of handle");
  SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
  return false;
}

BOOL QueryServerCertContext(const Handle& handle, void* buffer, DWORD* bufferLength) {
  if (handle.kind != Kind::kRequest) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    return FALSE;
  }
  const RequestModel& request = *handle.request;
  if (!request.serverCertificateKnown || request.response->serverCertificates.empty()) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    return FALSE;
  }
  if (buffer == nullptr || *bufferLength < sizeof(PCCERT_CONTEXT)) {
    *bufferLength = sizeof(PCCERT_CONTEXT);
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  auto store = std::make_shared<CertStore>();
  store->der = request.response->serverCertificates;
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  *static_cast<PCCERT_CONTEXT*>(buffer) = NewContext(store, 0, -1);
  *bufferLength = sizeof(PCCERT_CONTEXT);
  return TRUE;
}

BOOL QueryClientCertIssuerList(const Handle& handle, void* buffer, DWORD* bufferLength) {
  if (handle.kind != Kind::kRequest) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    return FALSE;
  }
  if (!handle.request->clientCertAsked) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    return FALSE;
  }
  if (buffer == nullptr || *bufferLength < sizeof(SecPkgContext_IssuerListInfoEx*)) {
    *bufferLength = sizeof(SecPkgContext_IssuerListInfoEx*);
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  // One block: the structure, the blobs, then the names' bytes.
  const std::vector<std::string>& names = handle.request->response->clientCertIssuers;
  size_t size = sizeof(SecPkgContext_IssuerListInfoEx) + names.size() * sizeof(CERT_NAME_BLOB);
  for (const std::string& name : names) size += name.size();
  std::unique_ptr<uint8_t[]> block(new uint8_t[size]);
  auto* list = reinterpret_cast<SecPkgContext_IssuerListInfoEx*>(block.get());
  auto* blobs = reinterpret_cast<CERT_NAME_BLOB*>(list + 1);
  uint8_t* bytes = reinterpret_cast<uint8_t*>(blobs + names.size());
  list->aIssuers = blobs;
  list->cIssuers = static_cast<DWORD>(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    blobs[i].cbData = static_cast<DWORD>(names[i].size());
    blobs[i].pbData = bytes;
    std::memcpy(bytes, names[i].data(), names[i].size());
    bytes += names[i].size();
  }
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  TheContexts().issuerLists.emplace(list, std::move(block));
  *static_cast<SecPkgContext_IssuerListInfoEx**>(buffer) = list;
  *bufferLength = sizeof(SecPkgContext_IssuerListInfoEx*);
  return TRUE;
}

void StampRequestTime(Handle& request, int entry) {
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  std::lock_guard<std::mutex> lock(request.mutex);
  request.request->requestTimes[entry] = static_cast<ULONGLONG>(now.QuadPart);
}

void Handshake(Handle& request) {
  StampRequestTime(request, WinHttpTlsHandshakeClientLeg1Start);
  int handshakeMs;
  {
    std::lock_guard<std::mutex> lock(request.mutex);
    handshakeMs = request.request->response->handshakeMs;
  }
  if (handshakeMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(handshakeMs));
  StampRequestTime(request, WinHttpTlsHandshakeClientLeg3End);
}

BOOL QueryRequestTimes(const Handle& handle, void* buffer, DWORD* bufferLength) {
  if (handle.kind != Kind::kRequest) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    return FALSE;
  }
  // The response is chosen at the first send; before it, the route the script gives the path.
  const RequestModel& request = *handle.request;
  const Response& response = request.response != nullptr ? *request.response : request.script->ResponseFor(request.path);
  if (!response.requestTimes) {
    SetLastError(ERROR_WINHTTP_INVALID_OPTION);
    return FALSE;
  }
  if (buffer == nullptr || *bufferLength < sizeof(WINHTTP_REQUEST_TIMES)) {
    *bufferLength = sizeof(WINHTTP_REQUEST_TIMES);
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  auto* answer = static_cast<WINHTTP_REQUEST_TIMES*>(buffer);
  // "cTimes: the number of timings to retrieve" (WINHTTP_REQUEST_TIMES reference).
  const ULONG count = std::min<ULONG>(answer->cTimes, WinHttpRequestTimeMax);
  for (ULONG i = 0; i < count; ++i) answer->rgullTimes[i] = request.requestTimes[i];
  answer->cTimes = count;
  *bufferLength = sizeof(WINHTTP_REQUEST_TIMES);
  return TRUE;
}

int64_t LiveIssuerLists() {
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  return static_cast<int64_t>(TheContexts().issuerLists.size());
}

bool ReleaseIssuerList(HGLOBAL memory) {
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  return TheContexts().issuerLists.erase(memory) != 0;
}

int64_t LiveCertContexts() {
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  return static_cast<int64_t>(TheContexts().live.size());
}

}  // namespace contract_double

using namespace contract_double;

// The double's performance counter is the steady clock in nanoseconds.
BOOL QueryPerformanceCounter(LARGE_INTEGER* count) {
  count->QuadPart = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch()).count();
  return TRUE;
}

BOOL QueryPerformanceFrequency(LARGE_INTEGER* frequency) {
  frequency->QuadPart = 1000000000;
  return TRUE;
}

// "Frees a certificate context" (CertFreeCertificateContext reference); a NULL context is allowed. Freeing one that is
// not live (freed twice, or never handed out) is a violation.
BOOL CertFreeCertificateContext(PCCERT_CONTEXT context) {
  if (context == nullptr) return TRUE;
  std::unique_ptr<OwnedContext> owned;
  {
    std::lock_guard<std::mutex> lock(TheContexts().mutex);
    auto found = TheContexts().live.find(context);
    if (found == TheContexts().live.end()) {
      World::Get().Violation("CertFreeCertificateContext: not a live certificate context (freed twice?)");
      return TRUE;
    }
    // CertDuplicateCertificateContext counts references to the same context; the last free releases it.
    if (--found->second->refs > 0) return TRUE;
    owned = std::move(found->second);
    TheContexts().live.erase(found);
  }
  return TRUE;
}

// "Retrieves the first or next certificate in a certificate store"; a non-NULL previous context "is always freed by
// this function" (CertEnumCertificatesInStore reference). NULL with CRYPT_E_NOT_FOUND after the last. The order is
// the store's own: the double enumerates the server's certificates last to first, so no caller relies on an order.
PCCERT_CONTEXT CertEnumCertificatesInStore(HCERTSTORE store, PCCERT_CONTEXT previous) {
  std::lock_guard<std::mutex> lock(TheContexts().mutex);
  std::shared_ptr<CertStore> owner;
  long position = 0;
  if (previous != nullptr) {
    auto found = TheContexts().live.find(previous);
    if (found == TheContexts().live.end() || found->second->store.get() != store || found->second->position < 0) {
      World::Get().Violation("CertEnumCertificatesInStore: previous is not a live context enumerated from this store");
      SetLastError(ERROR_INVALID_PARAMETER);
      return nullptr;
    }
    owner = found->second->store;
    position = found->second->position + 1;
    if (--found->second->refs == 0) TheContexts().live.erase(found);
  } else {
    const auto open = TheContexts().openStores.find(store);
    if (open != TheContexts().openStores.end()) owner = open->second.store;
    for (const auto& entry : TheContexts().live) {
      if (owner == nullptr && entry.second->store.get() == store) owner = entry.second->store;
    }
    if (owner == nullptr) {
      World::Get().Violation("CertEnumCertificatesInStore: no live context holds this store (its certificate was freed)");
      SetLastError(ERROR_INVALID_PARAMETER);
      return nullptr;
    }
  }
  const long count = static_cast<long>(owner->der.size());
  if (position >= count) {
    SetLastError(CRYPT_E_NOT_FOUND);
    return nullptr;
  }
  return NewContext(owner, static_cast<size_t>(count - 1 - position), position);
}

// WinHttpSetOption and WinHttpQueryOption. Options are kept per handle as the bytes given; a few mean something to
// the double (CONTEXT_VALUE, RECEIVE_RESPONSE_TIMEOUT, REDIRECT_POLICY, MAX_HTTP_AUTOMATIC_REDIRECTS, DISABLE_FEATURE,
// CLIENT_CERT_CONTEXT, and the TLS ones of double_tls.h). Querying an option never set returns its documented
// default where the double knows one, else ERROR_WINHTTP_INVALID_OPTION; a short buffer gives
// ERROR_INSUFFICIENT_BUFFER with the size needed.
#include <cstring>
#include <string>
#include "double_cert_store.h"
#include "double_proxy.h"
#include "double_world.h"
#include "double_tls.h"
#include "handle.h"

using namespace contract_double;

namespace {

BOOL Fail(const char* api, DWORD error, const std::string& why) {
  if (!why.empty()) World::Get().Violation(std::string(api) + ": " + why);
  SetLastError(error);
  return FALSE;
}

bool ReadOnly(DWORD option) {
  switch (option) {
    case WINHTTP_OPTION_HANDLE_TYPE:
    case WINHTTP_OPTION_PARENT_HANDLE:
    case WINHTTP_OPTION_URL:
    case WINHTTP_OPTION_SERVER_CERT_CONTEXT:
    case WINHTTP_OPTION_HTTP_PROTOCOL_USED:
      return true;
    default:
      return false;
  }
}

// Documented defaults (WinHTTP option flags reference, WinHttpSetTimeouts).
bool DefaultOf(DWORD option, DWORD* value) {
  switch (option) {
    case WINHTTP_OPTION_RESOLVE_TIMEOUT: *value = 0; return true;
    case WINHTTP_OPTION_CONNECT_TIMEOUT: *value = 60000; return true;
    case WINHTTP_OPTION_CONNECT_RETRIES: *value = 5; return true;
    case WINHTTP_OPTION_SEND_TIMEOUT: *value = 30000; return true;
    case WINHTTP_OPTION_RECEIVE_TIMEOUT: *value = 30000; return true;
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT: *value = 90000; return true;
    case WINHTTP_OPTION_REDIRECT_POLICY: *value = WINHTTP_OPTION_REDIRECT_POLICY_DEFAULT; return true;
    case WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS: *value = 10; return true;
    case WINHTTP_OPTION_SECURITY_FLAGS: *value = 0; return true;
    case WINHTTP_OPTION_HTTP_PROTOCOL_USED: *value = 0; return true;
    default: return false;
  }
}

}  // namespace

BOOL WinHttpSetOption(HINTERNET value, DWORD option, LPVOID buffer, DWORD bufferLength) {
  const char* api = "WinHttpSetOption";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return FALSE;
  if (buffer == nullptr && bufferLength != 0) return Fail(api, ERROR_INVALID_PARAMETER, "no buffer");
  if (ReadOnly(option)) return Fail(api, ERROR_WINHTTP_OPTION_NOT_SETTABLE, "option " + std::to_string(option) + " is read-only");
  if (option == WINHTTP_OPTION_CONTEXT_VALUE && bufferLength != sizeof(DWORD_PTR)) {
    return Fail(api, ERROR_INVALID_PARAMETER, "WINHTTP_OPTION_CONTEXT_VALUE takes a DWORD_PTR");
  }
  if (option == WINHTTP_OPTION_CLIENT_CERT_CONTEXT && handle->kind != Kind::kRequest) {
    return Fail(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WINHTTP_OPTION_CLIENT_CERT_CONTEXT belongs on a request");
  }
  if (!TlsOptionOnRightHandle(*handle, option, api)) return FALSE;
  DWORD injected;
  if (World::Get().TakeCallFault(api, option, &injected)) return Fail(api, injected, "");
  if (option == WINHTTP_OPTION_PROXY) return SetProxyOption(handle, buffer, bufferLength);
  if (option == WINHTTP_OPTION_CLIENT_CERT_CONTEXT) {
    if (buffer == nullptr) ReleaseClientCertContext(*handle);  // WINHTTP_NO_CLIENT_CERT_CONTEXT
    else if (!HoldClientCertContext(*handle, buffer, bufferLength)) return FALSE;
  }
  std::lock_guard<std::mutex> lock(handle->mutex);
  if (option == WINHTTP_OPTION_CONTEXT_VALUE) {
    std::memcpy(&handle->context, buffer, sizeof(DWORD_PTR));
  } else {
    const auto* bytes = static_cast<const uint8_t*>(buffer);
    handle->options[option].assign(bytes, bytes + bufferLength);
  }
  return TRUE;
}

BOOL WinHttpQueryOption(HINTERNET value, DWORD option, LPVOID buffer, LPDWORD bufferLength) {
  const char* api = "WinHttpQueryOption";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return FALSE;
  if (bufferLength == nullptr) return Fail(api, ERROR_INVALID_PARAMETER, "lpdwBufferLength is NULL");
  DWORD injected;
  if (World::Get().TakeCallFault(api, option, &injected)) return Fail(api, injected, "");
  std::vector<uint8_t> bytes;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    if (option == WINHTTP_OPTION_SERVER_CERT_CONTEXT) return QueryServerCertContext(*handle, buffer, bufferLength);
    if (option == WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST) return QueryClientCertIssuerList(*handle, buffer, bufferLength);
    if (option == WINHTTP_OPTION_REQUEST_TIMES) return QueryRequestTimes(*handle, buffer, bufferLength);
    auto found = handle->options.find(option);
    DWORD fallback;
    if (option == WINHTTP_OPTION_CONTEXT_VALUE) {
      const auto* raw = reinterpret_cast<const uint8_t*>(&handle->context);
      bytes.assign(raw, raw + sizeof(DWORD_PTR));
    } else if (option == WINHTTP_OPTION_HANDLE_TYPE) {
      const DWORD kind = static_cast<DWORD>(handle->kind);
      const auto* raw = reinterpret_cast<const uint8_t*>(&kind);
      bytes.assign(raw, raw + sizeof(DWORD));
    } else if (found != handle->options.end()) {
      bytes = found->second;
    } else if (DefaultOf(option, &fallback)) {
      const auto* raw = reinterpret_cast<const uint8_t*>(&fallback);
      bytes.assign(raw, raw + sizeof(DWORD));
    } else {
      return Fail(api, ERROR_WINHTTP_INVALID_OPTION, "");
    }
  }
  if (buffer == nullptr || *bufferLength < bytes.size()) {
    *bufferLength = static_cast<DWORD>(bytes.size());
    return Fail(api, ERROR_INSUFFICIENT_BUFFER, "");
  }
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  *bufferLength = static_cast<DWORD>(bytes.size());
  return TRUE;
}

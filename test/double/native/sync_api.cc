// WinHttpOpen, WinHttpSetStatusCallback, WinHttpConnect, WinHttpOpenRequest, WinHttpCloseHandle: creating and
// closing handles. A child handle inherits its parent's callback, notification flags and options when it is created;
// HANDLE_CREATED is delivered inside the creating call, before a context value can have been set on the new handle.
#include <string>
#include "double_proxy.h"
#include "double_websocket.h"
#include "double_world.h"
#include "notifier.h"
#include "request_flow.h"

using namespace contract_double;

namespace {

bool Injected(const char* api) {
  DWORD error;
  if (!World::Get().TakeCallFault(api, -1, &error)) return false;
  SetLastError(error);
  return true;
}

HINTERNET Refuse(const char* api, DWORD error, const char* why) {
  World::Get().Violation(std::string(api) + ": " + why);
  SetLastError(error);
  return nullptr;
}

// A new child of `parent`, inheriting its callback, flags and options, listed and announced.
HINTERNET Open(Kind kind, const std::shared_ptr<Handle>& parent, const std::function<void(Handle&)>& fill) {
  auto handle = std::make_shared<Handle>(kind, parent);
  {
    std::lock_guard<std::mutex> lock(parent->mutex);
    handle->callback = parent->callback;
    handle->notifications = parent->notifications;
    handle->options = parent->options;
  }
  fill(*handle);
  const HINTERNET value = Register(handle);
  Notify(*handle, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, StatusInfo::OfHandle());
  return value;
}

}  // namespace

HINTERNET WinHttpOpen(LPCWSTR /*agent*/, DWORD /*accessType*/, LPCWSTR /*proxy*/, LPCWSTR /*proxyBypass*/, DWORD flags) {
  const char* api = "WinHttpOpen";
  if ((flags & WINHTTP_FLAG_ASYNC) == 0) return Refuse(api, ERROR_INVALID_PARAMETER, "the double models asynchronous sessions only");
  if (Injected(api)) return nullptr;
  return Register(std::make_shared<Handle>(Kind::kSession, nullptr));
}

WINHTTP_STATUS_CALLBACK WinHttpSetStatusCallback(HINTERNET value, WINHTTP_STATUS_CALLBACK callback,
                                                 DWORD notificationFlags, DWORD_PTR /*reserved*/) {
  const char* api = "WinHttpSetStatusCallback";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return WINHTTP_INVALID_STATUS_CALLBACK;
  if (Injected(api)) return WINHTTP_INVALID_STATUS_CALLBACK;
  std::lock_guard<std::mutex> lock(handle->mutex);
  WINHTTP_STATUS_CALLBACK previous = handle->callback;
  handle->callback = callback;
  handle->notifications = notificationFlags;
  return previous;
}

HINTERNET WinHttpConnect(HINTERNET session, LPCWSTR serverName, INTERNET_PORT port, DWORD /*reserved*/) {
  const char* api = "WinHttpConnect";
  std::shared_ptr<Handle> parent = Lookup(session, api);
  if (parent == nullptr) return nullptr;
  if (parent->kind != Kind::kSession) return Refuse(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "not a session handle");
  if (serverName == nullptr || *serverName == L'\0') return Refuse(api, ERROR_INVALID_PARAMETER, "no server name");
  if (Injected(api)) return nullptr;
  return Open(Kind::kConnect, parent, [&](Handle& handle) {
    handle.host = serverName;
    handle.port = port;
  });
}

HINTERNET WinHttpOpenRequest(HINTERNET connect, LPCWSTR verb, LPCWSTR objectName, LPCWSTR /*version*/,
                             LPCWSTR /*referrer*/, LPCWSTR* /*acceptTypes*/, DWORD flags) {
  const char* api = "WinHttpOpenRequest";
  std::shared_ptr<Handle> parent = Lookup(connect, api);
  if (parent == nullptr) return nullptr;
  if (parent->kind != Kind::kConnect) return Refuse(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "not a connection handle");
  if (Injected(api)) return nullptr;
  return Open(Kind::kRequest, parent, [&](Handle& handle) {
    auto request = std::make_unique<RequestModel>();
    request->method = verb != nullptr ? verb : L"GET";
    request->path = objectName != nullptr ? objectName : L"/";
    request->openFlags = flags;
    request->script = World::Get().script();
    const uint64_t serial = World::Get().NextRequestSerial();
    request->random.seed(request->script->seed * 0x9E3779B97F4A7C15ull + serial);
    request->trace.serial = serial;
    request->trace.method = request->method;
    request->trace.path = request->path;
    handle.request = std::move(request);
    World::Get().counters.requests.fetch_add(1);
  });
}

BOOL WinHttpCloseHandle(HINTERNET value) {
  const char* api = "WinHttpCloseHandle";
  if (Injected(api)) return FALSE;
  std::shared_ptr<Handle> handle = Unregister(value);
  if (handle == nullptr) {
    Refuse(api, ERROR_INVALID_HANDLE, "closing a handle that is not open (closed twice, or never opened)");
    return FALSE;
  }
  if (handle->kind == Kind::kRequest) {
    CloseRequest(handle);
    return TRUE;
  }
  if (handle->kind == Kind::kResolver) {
    CloseResolver(handle);
    return TRUE;
  }
  if (handle->kind == Kind::kWebSocket) {
    CloseWebSocket(handle);
    return TRUE;
  }
  DWORD_PTR context;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    handle->closed = true;
    context = handle->context;
  }
  if (context != 0) Notify(*handle, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, StatusInfo::OfHandle());
  return TRUE;
}

BOOL WinHttpSetTimeouts(HINTERNET value, int resolveTimeout, int connectTimeout, int sendTimeout, int receiveTimeout) {
  const char* api = "WinHttpSetTimeouts";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return FALSE;
  if (resolveTimeout < -1 || connectTimeout < -1 || sendTimeout < -1 || receiveTimeout < -1) {
    Refuse(api, ERROR_INVALID_PARAMETER, "a timeout below -1");
    return FALSE;
  }
  if (Injected(api)) return FALSE;
  std::lock_guard<std::mutex> lock(handle->mutex);
  const std::pair<DWORD, int> timeouts[] = {{WINHTTP_OPTION_RESOLVE_TIMEOUT, resolveTimeout},
                                            {WINHTTP_OPTION_CONNECT_TIMEOUT, connectTimeout},
                                            {WINHTTP_OPTION_SEND_TIMEOUT, sendTimeout},
                                            {WINHTTP_OPTION_RECEIVE_TIMEOUT, receiveTimeout}};
  for (const auto& timeout : timeouts) {
    const DWORD ms = static_cast<DWORD>(timeout.second);  // -1 becomes INFINITE
    const auto* bytes = reinterpret_cast<const uint8_t*>(&ms);
    handle->options[timeout.first].assign(bytes, bytes + sizeof(ms));
  }
  return TRUE;
}

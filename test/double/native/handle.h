// The double's HINTERNET handles: session, connection and request objects, each with its status callback, context
// value and options, in a registry keyed by the value handed to the caller. Values are never reused, so a call on a
// closed handle is caught (ERROR_INVALID_HANDLE, and a violation: WinHttpCloseHandle remarks forbid any call on a
// handle after it is closed). A child keeps its parent's object alive, not its handle open. Any thread.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "request_model.h"
#include "winhttp_double.h"

namespace contract_double {

enum class Kind { kSession = WINHTTP_HANDLE_TYPE_SESSION, kConnect = WINHTTP_HANDLE_TYPE_CONNECT,
                  kRequest = WINHTTP_HANDLE_TYPE_REQUEST,
                  kResolver = WINHTTP_HANDLE_TYPE_PROXY_RESOLVER,  // double_proxy.cc
                  kWebSocket = WINHTTP_HANDLE_TYPE_WEBSOCKET };    // double_websocket.cc

class Handle {
 public:
  Handle(Kind kind, std::shared_ptr<Handle> parent);
  ~Handle();
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  const Kind kind;
  const std::shared_ptr<Handle> parent;
  HINTERNET id = nullptr;

  std::mutex mutex;  // guards everything below
  WINHTTP_STATUS_CALLBACK callback = nullptr;
  DWORD notifications = 0;
  DWORD_PTR context = 0;
  std::map<DWORD, std::vector<uint8_t>> options;  // as set, by option number
  bool closed = false;
  std::wstring host;             // connection handles
  INTERNET_PORT port = 0;
  bool connectionOpen = false;   // connection handles: a kept-alive connection to reuse
  std::unique_ptr<RequestModel> request;  // request handles

  // With `mutex` held: a DWORD option as set, or `fallback`.
  DWORD DwordOption(DWORD option, DWORD fallback) const;
};

// Gives `handle` its value and lists it.
HINTERNET Register(const std::shared_ptr<Handle>& handle);
// The open handle behind `value`, or null with ERROR_INVALID_HANDLE set and a violation recorded for `api`.
std::shared_ptr<Handle> Lookup(HINTERNET value, const char* api);
// Unlists it (WinHttpCloseHandle); null if it was not open.
std::shared_ptr<Handle> Unregister(HINTERNET value);

}  // namespace contract_double

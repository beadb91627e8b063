// The WebSocket calls of the double (double_websocket.h): it has no WebSocket handles. Any thread.
#include "handle.h"
#include "winhttp_double.h"

using namespace contract_double;

namespace {

// An open handle of the double is never a WebSocket handle; a closed or unknown one is ERROR_INVALID_HANDLE.
DWORD NotAWebSocket(HINTERNET value, const char* api) {
  if (Lookup(value, api) == nullptr) return ERROR_INVALID_HANDLE;
  return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
}

}  // namespace

// No scripted response is a 101, so no request can be upgraded.
HINTERNET WinHttpWebSocketCompleteUpgrade(HINTERNET request, DWORD_PTR) {
  const std::shared_ptr<Handle> handle = Lookup(request, "WinHttpWebSocketCompleteUpgrade");
  if (handle != nullptr) SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  return nullptr;
}

DWORD WinHttpWebSocketSend(HINTERNET socket, WINHTTP_WEB_SOCKET_BUFFER_TYPE, void*, DWORD) {
  return NotAWebSocket(socket, "WinHttpWebSocketSend");
}

DWORD WinHttpWebSocketReceive(HINTERNET socket, void*, DWORD, DWORD*, WINHTTP_WEB_SOCKET_BUFFER_TYPE*) {
  return NotAWebSocket(socket, "WinHttpWebSocketReceive");
}

DWORD WinHttpWebSocketShutdown(HINTERNET socket, USHORT, void*, DWORD) {
  return NotAWebSocket(socket, "WinHttpWebSocketShutdown");
}

DWORD WinHttpWebSocketClose(HINTERNET socket, USHORT, void*, DWORD) {
  return NotAWebSocket(socket, "WinHttpWebSocketClose");
}

DWORD WinHttpWebSocketQueryCloseStatus(HINTERNET socket, USHORT*, void*, DWORD, DWORD*) {
  return NotAWebSocket(socket, "WinHttpWebSocketQueryCloseStatus");
}

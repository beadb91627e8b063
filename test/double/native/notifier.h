// Delivers one notification to a handle's status callback, as WINHTTP_STATUS_CALLBACK's reference describes it:
// only if the status is among the flags given to WinHttpSetStatusCallback, with the handle's context value at that
// moment, and with lpvStatusInformation pointing at storage that lives only for the duration of the callback (the
// double scribbles over it and frees it as soon as the callback returns, so a caller that keeps the pointer is caught
// by AddressSanitizer). READ_COMPLETE points at the caller's own buffer, as documented. Any thread; no lock held
// while the callback runs.
#pragma once
#include <string>
#include "handle.h"

namespace contract_double {

struct StatusInfo {
  enum class Type { kNone, kDword, kText, kAsyncResult, kHandle, kCallerBuffer, kWebSocketStatus, kWebSocketError };
  Type type = Type::kNone;
  DWORD dword = 0;
  std::wstring text;
  WINHTTP_ASYNC_RESULT result{};
  void* buffer = nullptr;  // kCallerBuffer
  DWORD length = 0;        // kCallerBuffer: bytes read
  WINHTTP_WEB_SOCKET_STATUS socketStatus{};         // kWebSocketStatus (double_websocket.cc)
  WINHTTP_WEB_SOCKET_ASYNC_RESULT socketError{};    // kWebSocketError

  static StatusInfo None() { return StatusInfo(); }
  static StatusInfo Dword(DWORD value);
  static StatusInfo Text(std::wstring value);
  static StatusInfo Error(DWORD_PTR api, DWORD error);
  static StatusInfo OfHandle();
  static StatusInfo CallerBuffer(void* buffer, DWORD length);
  static StatusInfo WebSocketStatus(DWORD bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE type);
  static StatusInfo WebSocketError(WINHTTP_WEB_SOCKET_OPERATION operation, DWORD error);
};

// Delivers `status` for `handle`; records it in the request's trace. Returns whether the callback ran.
bool Notify(Handle& handle, DWORD status, const StatusInfo& info);

}  // namespace contract_double

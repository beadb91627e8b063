// The status callback of WebSocket handles (WinHttpWebSocketCompleteUpgrade's), set on each one after the upgrade:
// its context value is a RequestState whose listener is the WebSocketWrap. No Node-API.
#pragma once
#include "platform/winhttp_api.h"

// The completions a WebSocket handle reports (WINHTTP_STATUS_CALLBACK reference: WRITE_COMPLETE for a send,
// READ_COMPLETE for a receive, CLOSE_COMPLETE, SHUTDOWN_COMPLETE, REQUEST_ERROR) and HANDLE_CLOSING. The values of
// CLOSE_COMPLETE and SHUTDOWN_COMPLETE are named here because mingw-w64's WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS
// lacks them, and a callback registered without them never hears of a close.
extern const DWORD kWebSocketNotifications;

// WinHTTP's thread, or the caller's inside a WinHTTP call. noexcept: no C++ exception may unwind into winhttp.dll.
void CALLBACK OnWebSocketStatus(HINTERNET handle, DWORD_PTR context, DWORD status, LPVOID info, DWORD length) noexcept;

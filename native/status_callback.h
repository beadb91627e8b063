// The one WINHTTP_STATUS_CALLBACK for every handle. Runs on WinHTTP's threads, or synchronously inside a WinHTTP
// call on the calling thread (always so under Wine for HEADERS_AVAILABLE and READ_COMPLETE). It copies what it
// needs and queues it; it never blocks, never calls WinHTTP and never touches a JavaScript value.
#pragma once
#include "platform/winhttp_api.h"

// The notifications the session subscribes to.
extern const DWORD kSubscribedNotifications;

// A C entry point: noexcept, no exception leaves it (what cannot be copied or queued fails the request instead).
void CALLBACK OnWinHttpStatus(HINTERNET handle, DWORD_PTR context, DWORD status, LPVOID info, DWORD length) noexcept;

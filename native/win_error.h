// Readable text for Win32, Winsock and WinHTTP error codes. No Node-API here; any thread.
#pragma once
#include <string>
#include "platform/winhttp_api.h"

// The system's message for `code` in UTF-16, looked up in winhttp.dll's message table first (WinHTTP codes
// 12001-12192 live there), then the system's; empty when neither knows it. Trailing CR/LF/dots removed.
std::u16string SystemMessage(DWORD code);

// Errors thrown to JavaScript by the native layer. The addon only hands over data (errno, api, the system's
// message); lib/errors turns it into a WinHttpError with its symbolic code. JS thread only.
#pragma once
#include <napi.h>
#include "platform/winhttp_api.h"

// Throws an Error carrying `errno` (the Win32/WinHTTP code), `api` (the function that failed) and
// `systemMessage` (FormatMessageW's text).
[[noreturn]] void ThrowWinHttpError(Napi::Env env, DWORD code, const char* api);
// Same for WinHttpSetOption, with `option` (the WINHTTP_OPTION_* that failed) on the error as well.
[[noreturn]] void ThrowOptionError(Napi::Env env, DWORD code, DWORD option);
// Same, with GetLastError() as the code: call right after the failing WinHTTP function.
[[noreturn]] void ThrowLastError(Napi::Env env, const char* api);
// Throws a TypeError for a misuse the TypeScript layer should already have stopped.
[[noreturn]] void ThrowUsage(Napi::Env env, const char* message);

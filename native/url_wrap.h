// crackUrl(url): WinHttpCrackUrl, so a URL is split exactly as WinHTTP understands it (and rejected with
// ERROR_WINHTTP_INVALID_URL or ERROR_WINHTTP_UNRECOGNIZED_SCHEME where WinHTTP would). JS thread only.
#pragma once
#include <napi.h>

// -> { scheme, secure, host, port, userName, password, path } where path is the URL path plus extra info.
Napi::Value CrackUrl(const Napi::CallbackInfo& info);

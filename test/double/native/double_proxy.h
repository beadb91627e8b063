// The double's proxy configuration and resolution (double_proxy.cc): the current user's and WinHTTP's proxy settings,
// WinHttpGetProxyForUrl, the resolver functions of Windows 8 (WinHttpCreateProxyResolver, WinHttpGetProxyForUrlEx,
// WinHttpGetProxyResult, WinHttpFreeProxyResult) as GetProcAddress finds them, and WINHTTP_OPTION_PROXY. What they
// answer is scripted from JavaScript (contractDouble.proxy). Any thread.
#pragma once
#include <memory>
#include <napi.h>
#include "handle.h"

namespace contract_double {

// WinHttpSetOption(WINHTTP_OPTION_PROXY): copies the WINHTTP_PROXY_INFO's strings and records what a request got.
BOOL SetProxyOption(const std::shared_ptr<Handle>& handle, LPVOID buffer, DWORD length);
// WinHttpCloseHandle on a resolver handle: a pending WinHttpGetProxyForUrlEx ends with REQUEST_ERROR 12017.
void CloseResolver(const std::shared_ptr<Handle>& handle);
// GlobalFree's part: frees a string the proxy functions handed out; false if `memory` is not one.
bool ReleaseProxyString(HGLOBAL memory);
// contractDouble.proxy: set(script), stats(). JS thread.
Napi::Object CreateProxyControl(Napi::Env env);

}  // namespace contract_double

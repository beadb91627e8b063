// The proxy-resolver functions of Windows 8 and later (WinHttpCreateProxyResolver, WinHttpGetProxyForUrlEx,
// WinHttpGetProxyResult, WinHttpFreeProxyResult), looked up in winhttp.dll with GetProcAddress so that the addon
// still loads where they are missing (older Windows). Any thread; looked up on each use (cheap, and the contract
// double can take them away per test).
#pragma once
#include "platform/winhttp_api.h"

struct ProxyResolverApi {
  DWORD(WINAPI* createProxyResolver)(HINTERNET, HINTERNET*) = nullptr;
  DWORD(WINAPI* getProxyForUrlEx)(HINTERNET, LPCWSTR, WINHTTP_AUTOPROXY_OPTIONS*, DWORD_PTR) = nullptr;
  DWORD(WINAPI* getProxyResult)(HINTERNET, WINHTTP_PROXY_RESULT*) = nullptr;
  void(WINAPI* freeProxyResult)(WINHTTP_PROXY_RESULT*) = nullptr;

  bool available() const {
    return createProxyResolver != nullptr && getProxyForUrlEx != nullptr && getProxyResult != nullptr &&
           freeProxyResult != nullptr;
  }
};

ProxyResolverApi ProxyResolverFunctions();

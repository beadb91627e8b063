// What a proxy lookup or a settings query found, copied out of WinHTTP's structures (which are freed at once), and
// its JavaScript shape for lib/proxy/resolution.ts. Plain data: filled on any thread, turned into an object on the
// JS thread.
#pragma once
#include <string>
#include <vector>
#include <napi.h>
#include "platform/winhttp_api.h"

struct ProxyEntry {
  bool proxy = false;
  bool bypass = false;
  DWORD scheme = 0;
  std::wstring host;
  DWORD port = 0;
};

struct ProxyFound {
  const char* api = "WinHttpGetProxyForUrlEx";
  DWORD error = 0;
  bool hasEntries = false;
  std::vector<ProxyEntry> entries;
  bool autoDetect = false;
  DWORD accessType = 0;
  bool hasAutoConfigUrl = false, hasProxy = false, hasBypass = false;
  std::wstring autoConfigUrl, proxy, bypass;
};

// Moves a string WinHTTP allocated into `into` and frees it (GlobalFree). Any thread.
void TakeGlobalString(LPWSTR& text, bool& has, std::wstring& into);

// { api, errno, entries? , autoDetect, accessType, autoConfigUrl, proxy, bypass }. JS thread.
Napi::Object ProxyFoundToObject(Napi::Env env, const ProxyFound& found);

#include "proxy_api.h"

namespace {

template <typename Function>
void Bind(HMODULE module, const char* name, Function& target) {
  target = reinterpret_cast<Function>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}

}  // namespace

ProxyResolverApi ProxyResolverFunctions() {
  ProxyResolverApi api;
  // The addon imports winhttp.dll, so it is loaded already.
  HMODULE module = GetModuleHandleW(L"winhttp.dll");
  if (module == nullptr) return api;
  Bind(module, "WinHttpCreateProxyResolver", api.createProxyResolver);
  Bind(module, "WinHttpGetProxyForUrlEx", api.getProxyForUrlEx);
  Bind(module, "WinHttpGetProxyResult", api.getProxyResult);
  Bind(module, "WinHttpFreeProxyResult", api.freeProxyResult);
  return api;
}

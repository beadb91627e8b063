// ProxyResolver: WinHTTP's proxy resolution for lib/proxy/ (which decides what to ask and what the answer means).
// It owns its own asynchronous session (WINHTTP_ACCESS_TYPE_NO_PROXY, so a PAC file is fetched directly), whose
// status callback serves WinHttpGetProxyForUrlEx (native/proxy_lookup.h: started on the JS thread, completed by
// WinHTTP's callback; no thread waits). The synchronous functions (WinHttpGetProxyForUrl, the settings queries) run
// as Node-API async work on a libuv worker thread, never on the JS thread. The methods run on the JS thread.
//
//   new ProxyResolver(userAgent)
//   setTimeouts(resolveMs, connectMs, sendMs, receiveMs)   the session's timeouts (they bound a PAC download)
//   resolve(url, flags, autoDetectFlags, autoConfigUrl | null) -> { done: Promise<result>, cancel?() }
//       WINHTTP_AUTOPROXY_OPTIONS as given. WinHttpCreateProxyResolver + WinHttpGetProxyForUrlEx +
//       WinHttpGetProxyResult where winhttp.dll has them (found with GetProcAddress), else (missing, or
//       WinHttpCreateProxyResolver answers ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR) WinHttpGetProxyForUrl.
//       result: { api, errno, entries? | accessType?, proxy?, bypass? }; errno 0 on success; `entries`
//       from WINHTTP_PROXY_RESULT ({ proxy, bypass, scheme, host, port }), the rest from WINHTTP_PROXY_INFO.
//       cancel() (WinHttpGetProxyForUrlEx only; WinHttpGetProxyForUrl cannot be cancelled) closes the resolver
//       handle of a pending lookup, which then settles with errno ERROR_WINHTTP_OPERATION_CANCELLED.
//   config(which) -> Promise<{ api, errno, autoDetect, autoConfigUrl, proxy, bypass, accessType }>
//       which 0: WinHttpGetIEProxyConfigForCurrentUser; 1: WinHttpGetDefaultProxyConfiguration.
//   close()   cancels pending WinHttpGetProxyForUrlEx lookups and drops the session; pending worker calls keep it
//             open until they finish.
#pragma once
#include <memory>
#include <vector>
#include <napi.h>
#include "handle_owner.h"

class ProxyLookup;

class ProxyResolverWrap : public Napi::ObjectWrap<ProxyResolverWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ProxyResolverWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value SetTimeouts(const Napi::CallbackInfo& info);
  Napi::Value Resolve(const Napi::CallbackInfo& info);
  Napi::Value Config(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  void ForgetSettledLookups();

  std::shared_ptr<HandleOwner> session_;
  std::vector<std::weak_ptr<ProxyLookup>> lookups_;  // pending WinHttpGetProxyForUrlEx lookups, for close()
};

// ProxyResolver: WinHTTP's proxy resolution for lib/proxy/ (which decides what to ask and what the answer means).
// It owns its own asynchronous session (WINHTTP_ACCESS_TYPE_NO_PROXY, so a PAC file is fetched directly), whose
// status callback serves WinHttpGetProxyForUrlEx. Each call returns a promise and runs as Node-API async work:
// the WinHTTP calls happen on a libuv worker thread, never on the JS thread. The methods run on the JS thread.
//
//   new ProxyResolver(userAgent)
//   setTimeouts(resolveMs, connectMs, sendMs, receiveMs)   the session's timeouts (they bound a PAC download)
//   resolve(url, flags, autoDetectFlags, autoConfigUrl | null, timeoutMs) -> Promise<result>
//       WINHTTP_AUTOPROXY_OPTIONS as given. WinHttpCreateProxyResolver + WinHttpGetProxyForUrlEx +
//       WinHttpGetProxyResult where winhttp.dll has them (found with GetProcAddress), else (missing, or
//       WinHttpCreateProxyResolver answers ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR) WinHttpGetProxyForUrl.
//       result: { api, errno, timedOut, entries? | accessType?, proxy?, bypass? }; errno 0 on success; `entries`
//       from WINHTTP_PROXY_RESULT ({ proxy, bypass, scheme, host, port }), the rest from WINHTTP_PROXY_INFO.
//       A WinHttpGetProxyForUrlEx call still pending after timeoutMs (0: no limit) is cancelled (timedOut).
//   config(which) -> Promise<{ api, errno, autoDetect, autoConfigUrl, proxy, bypass, accessType }>
//       which 0: WinHttpGetIEProxyConfigForCurrentUser; 1: WinHttpGetDefaultProxyConfiguration.
//   close()   drops the session; pending calls keep it open until they finish.
#pragma once
#include <memory>
#include <napi.h>
#include "handle_owner.h"

class ProxyResolverWrap : public Napi::ObjectWrap<ProxyResolverWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ProxyResolverWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value SetTimeouts(const Napi::CallbackInfo& info);
  Napi::Value Resolve(const Napi::CallbackInfo& info);
  Napi::Value Config(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::shared_ptr<HandleOwner> session_;
};

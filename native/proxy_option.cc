// RequestWrap::SetProxy, kept beside the other proxy code: WINHTTP_OPTION_PROXY on one request handle.
#include "napi_args.h"
#include "native_error.h"
#include "request_wrap.h"

// setProxy(accessType, proxy | null, bypass | null): WINHTTP_ACCESS_TYPE_NO_PROXY or _NAMED_PROXY with a proxy list
// for this request only, before send() (WINHTTP_OPTION_PROXY, Option Flags reference). JS thread.
Napi::Value RequestWrap::SetProxy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowUsage(env, "the request is closed");
  const bool hasProxy = info[1].IsString();
  const bool hasBypass = info[2].IsString();
  std::wstring proxy = hasProxy ? WideArg(info[1]) : std::wstring();
  std::wstring bypass = hasBypass ? WideArg(info[2]) : std::wstring();
  WINHTTP_PROXY_INFO proxyInfo = {};
  proxyInfo.dwAccessType = DwordArg(info[0]);
  proxyInfo.lpszProxy = hasProxy ? &proxy[0] : nullptr;
  proxyInfo.lpszProxyBypass = hasBypass ? &bypass[0] : nullptr;
  if (!WinHttpSetOption(handle(), WINHTTP_OPTION_PROXY, &proxyInfo, sizeof(proxyInfo))) {
    ThrowOptionError(env, GetLastError(), WINHTTP_OPTION_PROXY);
  }
  return env.Undefined();
}

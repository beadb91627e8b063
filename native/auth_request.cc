// Authentication on a request handle: WinHttpQueryAuthSchemes and WinHttpSetCredentials, both synchronous (no
// network I/O; the credentials are used by the next WinHttpSendRequest on the same handle). Which scheme and which
// credentials is policy (lib/policy/auth.ts). JS thread only.
#include <string>
#include "napi_args.h"
#include "native_error.h"
#include "request_wrap.h"
#include "secret_arg.h"

// queryAuthSchemes() -> { supported, first, target }: the WINHTTP_AUTH_SCHEME_* bits the 401/407 offered, the
// scheme the server listed first, and WINHTTP_AUTH_TARGET_SERVER or _PROXY. Valid once the response head was read
// with WinHttpQueryHeaders (WinHttpQueryAuthSchemes reference); WinHTTP fails it for a challenge it cannot answer.
Napi::Value RequestWrap::QueryAuthSchemes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckCallAllowed(env, "WinHttpQueryAuthSchemes");
  DWORD supported = 0;
  DWORD first = 0;
  DWORD target = 0;
  if (!WinHttpQueryAuthSchemes(handle(), &supported, &first, &target)) ThrowLastError(env, "WinHttpQueryAuthSchemes");
  Napi::Object result = Napi::Object::New(env);
  result.Set("supported", Napi::Number::New(env, supported));
  result.Set("first", Napi::Number::New(env, first));
  result.Set("target", Napi::Number::New(env, target));
  return result;
}

// setCredentials(target, scheme, userName | null, password | null): WinHttpSetCredentials for the next send on this
// handle. NULL user name and password (NTLM and Negotiate only) mean the logged-on user's credentials, which WinHTTP
// sends only as WINHTTP_OPTION_AUTOLOGON_POLICY allows. The native copies of the password are wiped after the call.
Napi::Value RequestWrap::SetCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckCallAllowed(env, "WinHttpSetCredentials");
  const DWORD target = DwordArg(info[0]);
  const DWORD scheme = DwordArg(info[1]);
  const bool explicitUser = info[2].IsString() && info[3].IsString();
  if (!explicitUser && !(info[2].IsNull() && info[3].IsNull())) {
    ThrowUsage(env, "setCredentials(target, scheme, userName, password): both strings or both null");
  }
  std::wstring user = explicitUser ? WideArg(info[2]) : std::wstring();
  std::wstring password = explicitUser ? SecretArg(info[3]) : std::wstring();
  const BOOL ok = WinHttpSetCredentials(handle(), target, scheme, explicitUser ? user.c_str() : nullptr,
                                        explicitUser ? password.c_str() : nullptr, nullptr);
  const DWORD error = ok ? 0 : GetLastError();
  Wipe(password);
  if (!ok) ThrowWinHttpError(env, error, "WinHttpSetCredentials");
  return env.Undefined();
}

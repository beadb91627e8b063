#include "session_wrap.h"
#include "handle_options.h"
#include "napi_args.h"
#include "native_error.h"
#include "status_callback.h"

Napi::Function SessionWrap::Define(Napi::Env env) {
  return DefineClass(env, "Session",
                     {
                         InstanceMethod("setTimeouts", &SessionWrap::SetTimeouts),
                         InstanceMethod("setOption", &SessionWrap::SetOption),
                         InstanceMethod("close", &SessionWrap::Close),
                     });
}

SessionWrap::SessionWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SessionWrap>(info) {
  Napi::Env env = info.Env();
  const std::wstring userAgent = WideArg(info[0]);
  const DWORD accessType = DwordArg(info[1]);
  const bool hasProxy = info[2].IsString();
  const bool hasBypass = info[3].IsString();
  const std::wstring proxy = hasProxy ? WideArg(info[2]) : std::wstring();
  const std::wstring bypass = hasBypass ? WideArg(info[3]) : std::wstring();

  HINTERNET handle = WinHttpOpen(userAgent.c_str(), accessType, hasProxy ? proxy.c_str() : WINHTTP_NO_PROXY_NAME,
                                 hasBypass ? bypass.c_str() : WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC);
  if (handle == nullptr) ThrowLastError(env, "WinHttpOpen");
  owner_ = std::make_shared<HandleOwner>(handle, nullptr);

  // Set on the session, the callback is inherited by every connection and request opened under it.
  if (WinHttpSetStatusCallback(handle, OnWinHttpStatus, kSubscribedNotifications, 0) ==
      WINHTTP_INVALID_STATUS_CALLBACK) {
    const DWORD error = GetLastError();
    owner_->Close();
    ThrowWinHttpError(env, error, "WinHttpSetStatusCallback");
  }
}

// A closed session's HINTERNET may already name another handle: refuse before calling WinHTTP with it.
Napi::Value SessionWrap::SetTimeouts(const Napi::CallbackInfo& info) {
  if (owner_->closed()) ThrowUsage(info.Env(), "the session is closed");
  SetTimeoutsFromArgs(info, owner_->get());
  return info.Env().Undefined();
}

Napi::Value SessionWrap::SetOption(const Napi::CallbackInfo& info) {
  if (owner_->closed()) ThrowUsage(info.Env(), "the session is closed");
  SetDwordOptionFromArgs(info, owner_->get());
  return info.Env().Undefined();
}

// Closes now; lib/ closes the session's requests and connections first.
Napi::Value SessionWrap::Close(const Napi::CallbackInfo& info) {
  owner_->Close();
  return info.Env().Undefined();
}

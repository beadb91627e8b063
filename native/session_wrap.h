// Session: one WinHTTP session handle, opened with WINHTTP_FLAG_ASYNC, with the status callback that serves every
// connection and request under it. JS thread only.
#pragma once
#include <memory>
#include <napi.h>
#include "handle_owner.h"

class SessionWrap : public Napi::ObjectWrap<SessionWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new Session(userAgent, accessType, proxy | null, proxyBypass | null)
  explicit SessionWrap(const Napi::CallbackInfo& info);

  const std::shared_ptr<HandleOwner>& owner() const { return owner_; }

 private:
  Napi::Value SetTimeouts(const Napi::CallbackInfo& info);
  Napi::Value SetOption(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::shared_ptr<HandleOwner> owner_;
};

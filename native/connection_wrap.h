// Connection: the WinHttpConnect handle for one host and port under a session (no network I/O happens until a
// request is sent). JS thread only.
#pragma once
#include <memory>
#include <napi.h>
#include "handle_owner.h"

class ConnectionWrap : public Napi::ObjectWrap<ConnectionWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new Connection(session, host, port)
  explicit ConnectionWrap(const Napi::CallbackInfo& info);

  const std::shared_ptr<HandleOwner>& owner() const { return owner_; }

 private:
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::shared_ptr<HandleOwner> owner_;
};

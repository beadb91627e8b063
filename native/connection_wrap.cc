#include "connection_wrap.h"
#include "napi_args.h"
#include "native_error.h"
#include "session_wrap.h"

Napi::Function ConnectionWrap::Define(Napi::Env env) {
  return DefineClass(env, "Connection", {InstanceMethod("close", &ConnectionWrap::Close)});
}

ConnectionWrap::ConnectionWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ConnectionWrap>(info) {
  Napi::Env env = info.Env();
  SessionWrap* session = SessionWrap::Unwrap(info[0].As<Napi::Object>());
  const std::wstring host = WideArg(info[1]);
  const DWORD port = DwordArg(info[2]);
  if (session->owner()->closed()) ThrowUsage(env, "the session is closed");

  HINTERNET handle = WinHttpConnect(session->owner()->get(), host.c_str(), static_cast<INTERNET_PORT>(port), 0);
  if (handle == nullptr) ThrowLastError(env, "WinHttpConnect");
  owner_ = std::make_shared<HandleOwner>(handle, session->owner());
}

Napi::Value ConnectionWrap::Close(const Napi::CallbackInfo& info) {
  owner_->Close();
  return info.Env().Undefined();
}

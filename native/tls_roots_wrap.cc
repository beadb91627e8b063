#include "tls_roots_wrap.h"
#include "napi_args.h"
#include "native_error.h"
#include "request_wrap.h"

Napi::Function TrustedRootsWrap::Define(Napi::Env env) {
  return DefineClass(env, "TrustedRoots", {InstanceMethod("exclusive", &TrustedRootsWrap::Exclusive)});
}

TrustedRootsWrap::TrustedRootsWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TrustedRootsWrap>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) ThrowUsage(env, "new TrustedRoots(roots): roots must be an array of Uint8Array");
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<std::string> roots;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (!IsUint8Array(item)) ThrowUsage(env, "new TrustedRoots(roots): roots must be an array of Uint8Array");
    Napi::Uint8Array bytes = item.As<Napi::Uint8Array>();
    roots.emplace_back(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
  }
  if (roots.empty()) ThrowUsage(env, "new TrustedRoots(roots): at least one root");
  CryptoFailure failure;
  TrustedRoots* created = TrustedRoots::Create(roots, &failure);
  if (created == nullptr) ThrowWinHttpError(env, failure.error, failure.api);
  roots_.reset(created);
}

Napi::Value TrustedRootsWrap::Exclusive(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), roots_->exclusive());
}

// setTrustedRoots(roots, host, ignoredSecurityFlags, checkRevocation): before the first send (no call pending), so
// no SENDING_REQUEST can race the arming. JS thread.
Napi::Value RequestWrap::SetTrustedRoots(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckCallAllowed(env, "WinHttpSendRequest");
  TrustedRootsWrap* roots = TrustedRootsWrap::Unwrap(info[0].As<Napi::Object>());
  state_->trustGate.Arm(roots->roots(), WideArg(info[1]), DwordArg(info[2]), info[3].ToBoolean().Value());
  return env.Undefined();
}

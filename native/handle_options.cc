#include "handle_options.h"
#include "napi_args.h"
#include "native_error.h"

void SetTimeoutsFromArgs(const Napi::CallbackInfo& info, HINTERNET handle) {
  const int resolve = info[0].As<Napi::Number>().Int32Value();
  const int connect = info[1].As<Napi::Number>().Int32Value();
  const int send = info[2].As<Napi::Number>().Int32Value();
  const int receive = info[3].As<Napi::Number>().Int32Value();
  if (!WinHttpSetTimeouts(handle, resolve, connect, send, receive)) ThrowLastError(info.Env(), "WinHttpSetTimeouts");
}

void SetTimeoutsFromArray(Napi::Env env, const Napi::Array& values, HINTERNET handle) {
  if (values.Length() < kTimeoutCount) ThrowUsage(env, "timeouts: four numbers expected");
  int ms[kTimeoutCount];
  for (uint32_t i = 0; i < kTimeoutCount; ++i) ms[i] = values.Get(i).As<Napi::Number>().Int32Value();
  if (!WinHttpSetTimeouts(handle, ms[0], ms[1], ms[2], ms[3])) ThrowLastError(env, "WinHttpSetTimeouts");
}

void SetDwordOptions(Napi::Env env, const Napi::Array& pairs, HINTERNET handle, uint32_t first) {
  for (uint32_t i = first; i + 1 < pairs.Length(); i += 2) {
    const DWORD option = DwordArg(pairs.Get(i));
    DWORD value = DwordArg(pairs.Get(i + 1));
    if (!WinHttpSetOption(handle, option, &value, sizeof(value))) ThrowOptionError(env, GetLastError(), option);
  }
}

void SetDwordOptionFromArgs(const Napi::CallbackInfo& info, HINTERNET handle) {
  const DWORD option = DwordArg(info[0]);
  DWORD value = DwordArg(info[1]);
  if (!WinHttpSetOption(handle, option, &value, sizeof(value))) ThrowLastError(info.Env(), "WinHttpSetOption");
}

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

void SetDwordOptionFromArgs(const Napi::CallbackInfo& info, HINTERNET handle) {
  const DWORD option = DwordArg(info[0]);
  DWORD value = DwordArg(info[1]);
  if (!WinHttpSetOption(handle, option, &value, sizeof(value))) ThrowLastError(info.Env(), "WinHttpSetOption");
}

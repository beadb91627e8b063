#include "native_error.h"
#include <string>
#include "win_error.h"

namespace {

Napi::Error WinHttpErrorValue(Napi::Env env, DWORD code, const char* api) {
  Napi::Error error = Napi::Error::New(env, std::string(api) + " failed with error " + std::to_string(code));
  error.Set("errno", Napi::Number::New(env, code));
  error.Set("api", Napi::String::New(env, api));
  error.Set("systemMessage", Napi::String::New(env, SystemMessage(code)));
  return error;
}

}  // namespace

void ThrowWinHttpError(Napi::Env env, DWORD code, const char* api) { throw WinHttpErrorValue(env, code, api); }

void ThrowOptionError(Napi::Env env, DWORD code, DWORD option) {
  Napi::Error error = WinHttpErrorValue(env, code, "WinHttpSetOption");
  error.Set("option", Napi::Number::New(env, option));
  throw error;
}

void ThrowLastError(Napi::Env env, const char* api) { ThrowWinHttpError(env, GetLastError(), api); }

void ThrowUsage(Napi::Env env, const char* message) {
  Napi::TypeError error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, "ERR_WINHTTP_INVALID_STATE"));
  throw error;
}

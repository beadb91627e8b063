// Argument conversions shared by the wrappers. lib/ validates every argument first; these conversions still throw
// (never crash) on a wrong type, because Node-API's checks run with C++ exceptions enabled. JS thread only.
#pragma once
#include <napi.h>
#include <string>
#include "platform/winhttp_api.h"
#include "wide_string.h"

inline std::wstring WideArg(const Napi::Value& value) {
  return WideFromUtf16(value.As<Napi::String>().Utf16Value());
}

inline bool IsUint8Array(const Napi::Value& value) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

inline DWORD DwordArg(const Napi::Value& value) { return value.As<Napi::Number>().Uint32Value(); }

inline Napi::String StringFromWide(Napi::Env env, const wchar_t* text, size_t length) {
  return Napi::String::New(env, Utf16FromWide(text, length));
}

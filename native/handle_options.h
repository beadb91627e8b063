// Option setters shared by sessions and requests (WinHttpSetTimeouts and DWORD-valued WinHttpSetOption).
// JS thread only; both calls are synchronous and do no network I/O.
#pragma once
#include <napi.h>
#include "platform/winhttp_api.h"

// setTimeouts(resolveMs, connectMs, sendMs, receiveMs)
void SetTimeoutsFromArgs(const Napi::CallbackInfo& info, HINTERNET handle);
// setOption(option, value)
void SetDwordOptionFromArgs(const Napi::CallbackInfo& info, HINTERNET handle);
// The flat [option, value, option, value, ...] array `pairs`, from index `first`: WinHttpSetOption for each, in
// order. The first failure throws, naming the option (ThrowOptionError); the options before it are set.
void SetDwordOptions(Napi::Env env, const Napi::Array& pairs, HINTERNET handle, uint32_t first = 0);
// The first kTimeoutCount numbers of `values` (resolve, connect, send, receive ms): WinHttpSetTimeouts.
constexpr uint32_t kTimeoutCount = 4;
void SetTimeoutsFromArray(Napi::Env env, const Napi::Array& values, HINTERNET handle);

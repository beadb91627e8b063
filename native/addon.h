// The addon instance: one per Node-API environment (main thread, each worker thread, each Electron renderer),
// holding that environment's Dispatcher and its pool of read buffers. No mutable statics anywhere in the addon.
#pragma once
#include <napi.h>
#include "buffer_pool.h"
#include "dispatcher.h"

class WinHttpAddon : public Napi::Addon<WinHttpAddon> {
 public:
  WinHttpAddon(Napi::Env env, Napi::Object exports);
  ~WinHttpAddon();
  WinHttpAddon(const WinHttpAddon&) = delete;
  WinHttpAddon& operator=(const WinHttpAddon&) = delete;

  // JS thread.
  static Dispatcher* DispatcherOf(Napi::Env env) { return env.GetInstanceData<WinHttpAddon>()->dispatcher_; }
  static BufferPool& BuffersOf(Napi::Env env) { return env.GetInstanceData<WinHttpAddon>()->buffers_; }

 private:
  Napi::Value LiveRequests(const Napi::CallbackInfo& info);
  Napi::Value FormatMessage(const Napi::CallbackInfo& info);

  Dispatcher* dispatcher_;
  BufferPool buffers_;
};

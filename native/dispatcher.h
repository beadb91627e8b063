// Per-environment bridge from WinHTTP's threads to the JavaScript thread: one thread-safe function per addon
// instance (main thread, each worker, each Electron renderer). It also keeps the event loop alive exactly while
// some request has an asynchronous call pending.
#pragma once
#include <mutex>
#include <napi.h>
#include "event_sink.h"

class Dispatcher final : public EventSink {
 public:
  // JS thread. The addon instance holds the first reference.
  static Dispatcher* Create(Napi::Env env);

  // Any thread (the status callback).
  void Post(RequestState* state, const StatusEvent& event) override;
  void PostFailure(RequestState* state, DWORD lostStatus) noexcept override;
  void Retain() override;
  void Release() override;

  // JS thread: one BeginWork per asynchronous call started (or close awaiting HANDLE_CLOSING), one EndWork when it
  // ends or is abandoned. noexcept: EndWork also runs in the request's finalizer.
  void BeginWork(Napi::Env env) noexcept;
  void EndWork(Napi::Env env) noexcept;

 private:
  // C entry points (Node calls them): noexcept, no exception leaves them.
  static void CallJs(Napi::Env env, Napi::Function, Dispatcher* self, QueuedEvent* queued) noexcept;
  static void OnFinalize(Napi::Env, void*, Dispatcher* self) noexcept;
  using Tsfn = Napi::TypedThreadSafeFunction<Dispatcher, QueuedEvent, &Dispatcher::CallJs>;
  // Queues `queued`; false if the environment is gone or the queue refused it.
  bool Enqueue(QueuedEvent* queued);

  Dispatcher() = default;
  ~Dispatcher() override = default;

  // Guards tsfn_ against the environment's teardown: Node finalizes and frees the thread-safe function then, while
  // WinHTTP threads may still be posting notifications for handles that are closing.
  std::mutex mutex_;
  bool open_ = false;
  Tsfn tsfn_;
  int pendingCalls_ = 0;  // JS thread only
  std::atomic<int> refs_{1};
};

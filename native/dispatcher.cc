#include "dispatcher.h"
#include "request_state.h"

Dispatcher* Dispatcher::Create(Napi::Env env) {
  auto* self = new Dispatcher();
  self->Retain();  // released by OnFinalize
  self->tsfn_ = Tsfn::New(env, "winhttp", 0, 1, self, &Dispatcher::OnFinalize, static_cast<void*>(nullptr));
  self->tsfn_.Unref(env);  // only pending calls keep the loop alive
  self->open_ = true;
  return self;
}

void Dispatcher::Post(RequestState* state, const StatusEvent& event) {
  auto* queued = new Queued{state, event};
  state->AddRef();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_ && tsfn_.NonBlockingCall(queued) == napi_ok) return;
  }
  // The environment is gone: nobody will see this notification.
  state->Release();
  delete queued;
}

void Dispatcher::Retain() { refs_.fetch_add(1, std::memory_order_relaxed); }

void Dispatcher::Release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

void Dispatcher::BeginWork(Napi::Env env) {
  if (pendingCalls_++ == 0 && open_) tsfn_.Ref(env);
}

void Dispatcher::EndWork(Napi::Env env) {
  if (--pendingCalls_ == 0 && open_) tsfn_.Unref(env);
}

// JS thread; env is null when the environment is being torn down with events still queued.
void Dispatcher::CallJs(Napi::Env env, Napi::Function, Dispatcher*, Queued* queued) {
  RequestState* state = queued->state;
  const StatusEvent event = queued->event;
  delete queued;
  if (env != nullptr && state->listener != nullptr) {
    try {
      state->listener->OnStatus(event);
    } catch (const Napi::Error& error) {
      // Surfaces as an uncaught exception, as in any Node callback. napi_throw, not ThrowAsJavaScriptException: in a
      // worker being terminated JavaScript can no longer run, throwing fails, and ThrowAsJavaScriptException would
      // throw again out of this callback (std::terminate) and skip the Release below.
      napi_throw(env, error.Value());
    }
  }
  state->Release();
}

// JS thread, once, when the environment tears down (or never before: the addon keeps its thread count).
void Dispatcher::OnFinalize(Napi::Env, void*, Dispatcher* self) {
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->open_ = false;
  }
  self->Release();
}

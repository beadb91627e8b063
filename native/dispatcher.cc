#include "dispatcher.h"
#include "inline_completion.h"
#include "platform/injected_fault.h"
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
  if (InlineCompletion::Take(state, event)) return;
  auto* queued = new QueuedEvent{state, event};
  state->AddRef();
  state->queuedEvents.fetch_add(1, std::memory_order_acq_rel);
  if (Enqueue(queued)) return;
  // The environment is gone: nobody will see this notification.
  state->queuedEvents.fetch_sub(1, std::memory_order_acq_rel);
  state->Release();
  delete queued;
}

// The request's own failure item carries every lost notification; it is queued at most once at a time, and the JS
// thread clears failureQueued before it reads the lost bits, so a loss after that queues it again.
void Dispatcher::PostFailure(RequestState* state, DWORD lostStatus) noexcept {
  state->lostNotifications.fetch_or(lostStatus == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING
                                        ? RequestState::kLostHandleClosing
                                        : RequestState::kLostNotification);
  if (state->failureQueued.exchange(true)) return;
  state->AddRef();
  state->queuedEvents.fetch_add(1, std::memory_order_acq_rel);
  if (Enqueue(&state->failureItem)) return;
  state->queuedEvents.fetch_sub(1, std::memory_order_acq_rel);
  state->failureQueued.store(false);
  state->Release();
}

bool Dispatcher::Enqueue(QueuedEvent* queued) {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_ && tsfn_.NonBlockingCall(queued) == napi_ok;
}

void Dispatcher::Retain() { refs_.fetch_add(1, std::memory_order_relaxed); }

void Dispatcher::Release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

// The C functions, not Tsfn::Ref/Unref, which throw on a failed status: these fail only for invalid arguments.
void Dispatcher::BeginWork(Napi::Env env) noexcept {
  if (pendingCalls_++ == 0 && open_) napi_ref_threadsafe_function(env, tsfn_);
}

void Dispatcher::EndWork(Napi::Env env) noexcept {
  if (--pendingCalls_ == 0 && open_) napi_unref_threadsafe_function(env, tsfn_);
}

namespace {

// Hands one event (or the news of lost ones) to the request's listener, if it still has one. JS thread.
void Tell(RequestState* state, QueuedEvent* queued) {
  if (queued == &state->failureItem) {
    state->failureQueued.store(false);
    const uint32_t lost = state->lostNotifications.exchange(0);
    state->listener->OnFailure(ERROR_NOT_ENOUGH_MEMORY, (lost & RequestState::kLostHandleClosing) != 0);
    return;
  }
  InjectedFault("call-js", queued->event.status);
  state->listener->OnStatus(queued->event);
}

}  // namespace

// JS thread; env is null when the environment is being torn down with events still queued. Node calls this from C:
// a JavaScript exception is rethrown as one (as in any Node callback), anything else (std::bad_alloc while handing
// the event over) fails the request with ERROR_NOT_ENOUGH_MEMORY rather than unwind into Node.
void Dispatcher::CallJs(Napi::Env env, Napi::Function, Dispatcher*, QueuedEvent* queued) noexcept {
  RequestState* state = queued->state;
  state->queuedEvents.fetch_sub(1, std::memory_order_acq_rel);
  const bool lostClosing = queued != &state->failureItem &&
                           queued->event.status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING;
  if (env != nullptr && state->listener != nullptr) {
    try {
      Tell(state, queued);
    } catch (const Napi::Error& error) {
      // napi_throw, not ThrowAsJavaScriptException: in a worker being terminated JavaScript can no longer run,
      // throwing fails, and ThrowAsJavaScriptException would throw again out of this callback (std::terminate).
      napi_throw(env, error.Value());
    } catch (...) {
      try {
        if (state->listener != nullptr) state->listener->OnFailure(ERROR_NOT_ENOUGH_MEMORY, lostClosing);
      } catch (...) {
        // Out of memory again while failing the request: nothing more can be done here.
      }
    }
  }
  if (queued != &state->failureItem) delete queued;
  state->Release();
}

// JS thread, once, when the environment tears down (or never before: the addon keeps its thread count).
void Dispatcher::OnFinalize(Napi::Env, void*, Dispatcher* self) noexcept {
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->open_ = false;
  }
  self->Release();
}

#include "inline_completion.h"
#include "request_state.h"

thread_local InlineCompletion* InlineCompletion::current_ = nullptr;

InlineCompletion::InlineCompletion(RequestState* state) : state_(state), outer_(current_) { current_ = this; }

InlineCompletion::~InlineCompletion() {
  current_ = outer_;
  if (!event_) return;
  try {
    state_->sink()->Post(state_, *event_);
  } catch (...) {
    state_->sink()->PostFailure(state_, event_->status);
  }
}

bool InlineCompletion::Take(RequestState* state, const StatusEvent& event) {
  InlineCompletion* call = current_;
  if (call == nullptr || call->state_ != state || call->event_ || !EndsAsyncCall(event.status)) return false;
  if (state->queuedEvents.load(std::memory_order_acquire) != 0) return false;
  call->event_ = event;  // may throw std::bad_alloc (the text): the callback's barrier fails the request then
  return true;
}

std::optional<StatusEvent> InlineCompletion::Release() {
  std::optional<StatusEvent> event;
  event.swap(event_);
  return event;
}

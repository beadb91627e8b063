// A completion that WinHTTP delivers inside the call that started it, on the JS thread (Wine always does so for a
// READ_COMPLETE of buffered data; Windows may: WINHTTP_STATUS_CALLBACK reference). Instead of a trip through the
// thread-safe function and a later turn of the event loop, the call hands it to JavaScript as it returns. Only an
// event that ends the call is taken, and only while none of the request's events is still queued, so JavaScript sees
// the notifications in WinHTTP's order. No Node-API.
#pragma once
#include <optional>
#include "status_event.h"

class RequestState;

class InlineCompletion {
 public:
  // JS thread, right before the WinHTTP call: this thread is now inside `state`'s call.
  explicit InlineCompletion(RequestState* state);
  // Leaves the call; an event taken and not handed over (the call threw) is posted as any other.
  ~InlineCompletion();
  InlineCompletion(const InlineCompletion&) = delete;
  InlineCompletion& operator=(const InlineCompletion&) = delete;

  // Any thread, from the event sink's Post: true if this thread is inside `state`'s call and took the event.
  static bool Take(RequestState* state, const StatusEvent& event);
  // JS thread, once the WinHTTP call has returned: the event taken, if any (it is no longer held here).
  std::optional<StatusEvent> Release();

 private:
  RequestState* state_;
  InlineCompletion* outer_;
  std::optional<StatusEvent> event_;
  static thread_local InlineCompletion* current_;
};

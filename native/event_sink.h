// The status callback's only way out: it hands each copied notification to the sink of the environment that owns
// the request. The sink (Dispatcher) queues it to the JavaScript thread. No Node-API in this interface.
#pragma once
#include <atomic>
#include <cstdint>
#include "status_event.h"

class RequestState;

// One notification on its way to the JavaScript thread; it holds a reference on its request state.
struct QueuedEvent {
  RequestState* state;
  StatusEvent event;
};

class EventSink {
 public:
  // Any thread. Takes its own reference on `state` for as long as the event is queued. May throw (std::bad_alloc).
  virtual void Post(RequestState* state, const StatusEvent& event) = 0;
  // Any thread: the notification `lostStatus` could not be copied or queued. Queues, without allocating, the news
  // that the request failed (and, for HANDLE_CLOSING, that its handle is gone).
  virtual void PostFailure(RequestState* state, DWORD lostStatus) noexcept = 0;
  // Any thread. Every RequestState holds one reference, so the sink outlives the last notification.
  virtual void Retain() = 0;
  virtual void Release() = 0;

  std::atomic<int64_t> liveRequests{0};

 protected:
  virtual ~EventSink() = default;
};

// The JavaScript side of a request, told about notifications on the JavaScript thread only.
class StatusListener {
 public:
  virtual void OnStatus(const StatusEvent& event) = 0;
  // A notification was lost for want of memory: the request fails with `error`; `handleClosed` if HANDLE_CLOSING
  // was among the lost ones.
  virtual void OnFailure(DWORD error, bool handleClosed) = 0;

 protected:
  virtual ~StatusListener() = default;
};

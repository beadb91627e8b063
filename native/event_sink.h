// The status callback's only way out: it hands each copied notification to the sink of the environment that owns
// the request. The sink (Dispatcher) queues it to the JavaScript thread. No Node-API in this interface.
#pragma once
#include <atomic>
#include <cstdint>
#include "status_event.h"

class RequestState;

class EventSink {
 public:
  // Any thread. Takes its own reference on `state` for as long as the event is queued.
  virtual void Post(RequestState* state, const StatusEvent& event) = 0;
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

 protected:
  virtual ~StatusListener() = default;
};

#include "request_state.h"

RequestState::RequestState(EventSink* sink, std::shared_ptr<HandleOwner> connection)
    : sink_(sink), connection_(std::move(connection)) {
  sink_->Retain();
  sink_->liveRequests.fetch_add(1);
}

RequestState::~RequestState() {
  sink_->liveRequests.fetch_sub(1);
  connection_.reset();
  sink_->Release();
}

void RequestState::Release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

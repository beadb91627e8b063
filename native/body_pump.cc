#include "body_pump.h"
#include <algorithm>
#include "request_state.h"

void BodyPump::Start(RequestState* state, DWORD capacity) {
  Completion kept;
  bool ended;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = true;
    pulling_ = true;
    capacity_ = capacity;
    filled_ = 0;
    ended = ended_;
    if (ended) {
      pulling_ = false;
    } else if (kept_) {
      kept_ = false;
      kept = keptResult_;
    } else if (callOut_) {
      return;  // the query under way continues the chain when it completes
    }
  }
  if (ended) {
    PostChunk(state, 0);
  } else if (kept.status != 0) {
    const Call next = Advance(state, kept);
    if (next != Call::kNone) Drive(state, next);
  } else {
    Drive(state, Call::kQuery);
  }
}

void BodyPump::Close(RequestState* state) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
    if (inCall_) {
      closeAfterCall_ = true;
      return;
    }
  }
  WinHttpCloseHandle(state->handle);
}

bool BodyPump::Started() {
  std::lock_guard<std::mutex> lock(mutex_);
  return started_;
}

bool BodyPump::OnCompletion(RequestState* state, DWORD status, DWORD value, DWORD_PTR asyncApi, DWORD error) {
  if (status != WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE && status != WINHTTP_CALLBACK_STATUS_READ_COMPLETE &&
      status != WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
    return false;
  }
  const Completion done{status, value, asyncApi, error};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) return false;
    callOut_ = false;
    if (inCall_) {
      // Inside (or racing the return of) the pump's own call: the thread that made it goes on.
      inCallResult_ = done;
      completedInCall_ = true;
      return true;
    }
    if (!pulling_) {
      keptResult_ = done;
      kept_ = true;
      return true;
    }
  }
  const Call next = Advance(state, done);
  if (next != Call::kNone) Drive(state, next);
  return true;
}

void BodyPump::Drive(RequestState* state, Call next) {
  while (next != Call::kNone) {
    DWORD offset, size;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closing_) return;  // JavaScript closed the request and settled its pull
      inCall_ = true;
      callOut_ = true;
      completedInCall_ = false;
      offset = filled_;
      size = readSize_;
    }
    const BOOL ok = next == Call::kQuery ? WinHttpQueryDataAvailable(state->handle, nullptr)
                                         : WinHttpReadData(state->handle, state->readBuffer.data() + offset, size, nullptr);
    const DWORD error = ok ? 0 : GetLastError();
    Completion done;
    DWORD early = 0;
    bool closeNow;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      inCall_ = false;
      closeNow = closeAfterCall_;
      if (closeNow) {
        // Close() came while we were inside the call; whatever the call did, JavaScript has settled the pull.
      } else if (!ok) {
        callOut_ = false;  // no notification comes for a call that failed
        pulling_ = false;
      } else if (completedInCall_) {
        done = inCallResult_;
      } else {
        // Not completed at once: its completion continues the chain on its own thread. A query that has to wait
        // means nothing more has arrived: hand over what was gathered (the query's result is kept for later).
        if (next == Call::kQuery && filled_ > 0) {
          early = filled_;
          pulling_ = false;
        }
      }
    }
    if (closeNow) {
      // HANDLE_CLOSING may be delivered inside this call and free the state: touch nothing after it.
      WinHttpCloseHandle(state->handle);
      return;
    }
    if (!ok) {
      PostError(state, next == Call::kQuery ? API_QUERY_DATA_AVAILABLE : API_READ_DATA, error);
      return;
    }
    if (done.status == 0) {
      if (early > 0) PostChunk(state, early);
      return;
    }
    next = Advance(state, done);
  }
}

BodyPump::Call BodyPump::Advance(RequestState* state, const Completion& done) {
  DWORD chunk;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
      pulling_ = false;
      chunk = 0;
    } else if (done.status == WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE && done.value > 0) {
      readSize_ = std::min(done.value, capacity_ - filled_);
      return Call::kRead;
    } else {
      // DATA_AVAILABLE 0 or READ_COMPLETE 0: the end; else READ_COMPLETE of done.value bytes.
      filled_ += done.value;
      if (done.value == 0) ended_ = true;
      if (done.value > 0 && filled_ < capacity_) return Call::kQuery;
      pulling_ = false;
      chunk = filled_;
    }
  }
  if (done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
    PostError(state, done.asyncApi, done.error);
  } else {
    PostChunk(state, chunk);
  }
  return Call::kNone;
}

namespace {

// Queues `event` for JavaScript; if even that fails for want of memory, the request's failure item carries it.
void PostOrFail(RequestState* state, const StatusEvent& event) noexcept {
  try {
    state->sink()->Post(state, event);
  } catch (...) {
    state->sink()->PostFailure(state, event.status);
  }
}

}  // namespace

void BodyPump::PostChunk(RequestState* state, DWORD bytes) noexcept {
  StatusEvent event;
  event.status = WINHTTP_CALLBACK_STATUS_READ_COMPLETE;
  event.value = bytes;
  PostOrFail(state, event);
}

void BodyPump::PostError(RequestState* state, DWORD_PTR asyncApi, DWORD error) noexcept {
  StatusEvent event;
  event.status = WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
  event.asyncApi = asyncApi;
  event.error = error;
  PostOrFail(state, event);
}

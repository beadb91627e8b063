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
  const bool ofChain = status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE ||
                       status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE;
  if (!ofChain && status != WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE &&
      status != WINHTTP_CALLBACK_STATUS_READ_COMPLETE && status != WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
    return false;
  }
  const Completion done{status, value, asyncApi, error};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ofChain ? chain_ == Chain::kNone : !started_ && chain_ == Chain::kNone) return false;
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
      callOut_ = next != Call::kHead;  // the head is read synchronously: no completion follows
      completedInCall_ = false;
      offset = filled_;
      size = readSize_;
    }
    if (next == Call::kHead) {
      next = DriveHead(state);
      continue;
    }
    BOOL ok;
    if (next == Call::kQuery) {
      ok = WinHttpQueryDataAvailable(state->handle, nullptr);
    } else if (next == Call::kRead) {
      ok = WinHttpReadData(state->handle, state->readBuffer.data() + offset, size, nullptr);
    } else {
      ok = WinHttpReceiveResponse(state->handle, nullptr);
    }
    const DWORD error = ok ? 0 : GetLastError();
    const DWORD_PTR api = next == Call::kQuery ? API_QUERY_DATA_AVAILABLE
                          : next == Call::kRead ? API_READ_DATA
                                                : API_RECEIVE_RESPONSE;
    Completion done;
    DWORD early = 0;
    bool closeNow;
    StatusEvent head;  // the first chunk ended here: the head and what was gathered
    {
      std::lock_guard<std::mutex> lock(mutex_);
      inCall_ = false;
      closeNow = closeAfterCall_;
      if (closeNow) {
        // Close() came while we were inside the call; whatever the call did, JavaScript has settled the pull.
      } else if (!ok) {
        callOut_ = false;  // no notification comes for a call that failed
        pulling_ = false;
        if (chain_ == Chain::kFirstChunk) {
          const Completion failed{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, api, error};
          head = FinishFirstChunk(filled_, &failed);
        } else {
          chain_ = Chain::kNone;
        }
      } else if (completedInCall_) {
        done = inCallResult_;
      } else if (next == Call::kQuery && chain_ == Chain::kFirstChunk) {
        // The head waits for no body: it goes now with what was gathered; the query's result is kept for later.
        head = FinishFirstChunk(filled_, nullptr);
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
    if (head.status != 0) {
      PostOrFail(state, head);
      return;
    }
    if (!ok) {
      PostError(state, api, error);
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
  StatusEvent head;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done.status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE) {
      chain_ = Chain::kReceiving;
      chainApi_ = API_RECEIVE_RESPONSE;
      return Call::kReceive;
    } else if (done.status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) {
      return Call::kHead;
    } else if (done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
      pulling_ = false;
      chunk = 0;
      if (chain_ == Chain::kFirstChunk) {
        head = FinishFirstChunk(filled_, &done);
      } else {
        chain_ = Chain::kNone;  // the send or the receive failed: JavaScript may send again (12032)
      }
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
      if (chain_ == Chain::kFirstChunk) head = FinishFirstChunk(filled_, nullptr);
    }
  }
  if (head.status != 0) {
    PostOrFail(state, head);
  } else if (done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
    PostError(state, done.asyncApi, done.error);
  } else {
    PostChunk(state, chunk);
  }
  return Call::kNone;
}

// Queues `event` for JavaScript; if even that fails for want of memory, the request's failure item carries it.
void BodyPump::PostOrFail(RequestState* state, const StatusEvent& event) noexcept {
  try {
    state->sink()->Post(state, event);
  } catch (...) {
    state->sink()->PostFailure(state, event.status);
  }
}

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
  // A chained send's or receive's TLS failure: the flags of the SECURE_FAILURE before it (status_callback.cc).
  event.secureFailure = state->secureFailure.exchange(0);
  PostOrFail(state, event);
}

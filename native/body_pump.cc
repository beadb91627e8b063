#include "body_pump.h"
#include <algorithm>
#include "request_state.h"

void BodyPump::Start(RequestState* state, DWORD capacity, bool readAhead) {
  Completion kept;
  DWORD chunk = 0;
  const uint8_t* data = nullptr;
  bool postEnd = false;
  Call next = Call::kNone;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = true;
    pulling_ = true;
    if (!ahead_) {
      capacity_ = capacity;
      filled_ = 0;
      ahead_ = readAhead;
    }
    if (busy_) return;  // the driving thread sees pulling_ before it stops
    if (held_) {
      // Read-ahead stopped with a complete chunk: it goes now, and the other buffer is filled meanwhile.
      held_ = false;
      if (filled_ > 0) {
        chunk = filled_;
        data = HandOver(state);
        if (!ended_ && !kept_) next = Call::kQuery;
      } else if (kept_) {
        kept_ = false;
        kept = keptResult_;
        busy_ = true;
      } else {
        pulling_ = false;
        postEnd = true;
      }
    } else if (ended_ && filled_ == 0) {
      pulling_ = false;
      postEnd = true;
    } else if (kept_) {
      kept_ = false;
      kept = keptResult_;
      busy_ = true;
    } else if (callOut_) {
      if (!(ahead_ && callKind_ == Call::kQuery && filled_ > 0)) return;  // the call under way continues the chain
      // Read-ahead gathered something and now waits for more: what has arrived goes, the query goes on ahead.
      chunk = filled_;
      data = HandOver(state);
    } else {
      next = Call::kQuery;
    }
    if (next != Call::kNone) busy_ = true;
  }
  if (chunk > 0) {
    PostChunk(state, chunk, data);
  } else if (postEnd) {
    PostChunk(state, 0);
  } else if (kept.status != 0) {
    next = Advance(state, kept);
  }
  if (next != Call::kNone) Drive(state, next);
}

bool BodyPump::ReadsAhead() {
  std::lock_guard<std::mutex> lock(mutex_);
  return ahead_;
}

uint8_t* BodyPump::FillBuffer(RequestState* state) const {
  return (fill_ == 0 ? state->readBuffer : state->spareBuffer).data();
}

const uint8_t* BodyPump::HandOver(RequestState* state) {
  const uint8_t* data = FillBuffer(state);
  pulling_ = false;
  filled_ = 0;
  if (ahead_) fill_ = 1 - fill_;  // JavaScript copies from `data` before its next pull; the pump fills the other
  return data;
}

void BodyPump::Close(RequestState* state) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;  // closed already (tls_trust_gate.cc closes a refused request from the status callback)
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
    if (!pulling_ && !(ahead_ && chain_ == Chain::kNone)) {
      keptResult_ = done;
      kept_ = true;
      return true;
    }
    // Pulling, or reading ahead between pulls: the completion continues the chain.
    busy_ = true;
  }
  const Call next = Advance(state, done);
  if (next != Call::kNone) Drive(state, next);
  return true;
}

void BodyPump::Drive(RequestState* state, Call next) {
  while (next != Call::kNone) {
    uint8_t* target;
    DWORD size;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closing_) {
        busy_ = false;
        return;  // JavaScript closed the request and settled its pull
      }
      inCall_ = true;
      callOut_ = next != Call::kHead;  // the head is read synchronously: no completion follows
      callKind_ = next;
      completedInCall_ = false;
      target = FillBuffer(state) + filled_;
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
      ok = WinHttpReadData(state->handle, target, size, nullptr);
    } else {
      ok = WinHttpReceiveResponse(state->handle, nullptr);
    }
    const DWORD error = ok ? 0 : GetLastError();
    const DWORD_PTR api = next == Call::kQuery ? API_QUERY_DATA_AVAILABLE
                          : next == Call::kRead ? API_READ_DATA
                                                : API_RECEIVE_RESPONSE;
    Completion done;
    DWORD early = 0;
    const uint8_t* earlyData = nullptr;
    bool held = false;
    bool closeNow;
    StatusEvent head;  // the first chunk ended here: the head and what was gathered
    {
      std::lock_guard<std::mutex> lock(mutex_);
      inCall_ = false;
      closeNow = closeAfterCall_;
      busy_ = ok && completedInCall_ && !closeNow;  // else this thread stops here (a completion drives on)
      if (closeNow) {
        // Close() came while we were inside the call; whatever the call did, JavaScript has settled the pull.
      } else if (!ok && ahead_ && !pulling_ && chain_ == Chain::kNone) {
        // Reading ahead: the failure is the next pull's answer, after what was gathered.
        callOut_ = false;
        kept_ = true;
        keptResult_ = Completion{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, api, error};
        held_ = true;
        held = true;
      } else if (!ok && chain_ == Chain::kNone && filled_ > 0) {
        // The bytes gathered before the failure go first; the failure is the next pull's answer.
        callOut_ = false;
        kept_ = true;
        keptResult_ = Completion{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, api, error};
        early = filled_;
        earlyData = HandOver(state);
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
        if (next == Call::kQuery && pulling_ && filled_ > 0) {
          early = filled_;
          earlyData = HandOver(state);
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
    if (held) return;
    if (!ok) {
      if (early > 0) {
        PostChunk(state, early, earlyData);
      } else {
        PostError(state, api, error);
      }
      return;
    }
    if (done.status == 0) {
      if (early > 0) PostChunk(state, early, earlyData);
      return;
    }
    next = Advance(state, done);
  }
}

BodyPump::Call BodyPump::Advance(RequestState* state, const Completion& done) {
  DWORD chunk;
  const uint8_t* data = nullptr;
  bool gathered = false;  // a failure came after bytes: they are posted, the failure kept
  Call next = Call::kNone;
  StatusEvent head;
  if (done.status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE) {
    bool announce;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      chain_ = Chain::kReceiving;
      chainApi_ = API_RECEIVE_RESPONSE;
      announce = announceSend_;
    }
    if (announce) {
      // send()'s receive-ahead: JavaScript's send() ends here, before the receive is called, so its head comes after.
      StatusEvent sent;
      sent.status = WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE;
      PostOrFail(state, sent);
    }
    return Call::kReceive;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done.status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) {
      return Call::kHead;
    } else if (done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && ahead_ && !pulling_ &&
               chain_ == Chain::kNone) {
      // Reading ahead: the failure is the next pull's answer, after what was gathered.
      kept_ = true;
      keptResult_ = done;
      held_ = true;
      busy_ = false;
      return Call::kNone;
    } else if (done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && chain_ == Chain::kNone && filled_ > 0) {
      // The bytes gathered before the failure go first; the failure is the next pull's answer.
      kept_ = true;
      keptResult_ = done;
      chunk = filled_;
      data = HandOver(state);
      gathered = true;
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
      if (!pulling_ && chain_ == Chain::kNone) {
        held_ = true;  // reading ahead: the buffer is complete; it waits for the next pull (backpressure)
        busy_ = false;
        return Call::kNone;
      }
      chunk = filled_;
      if (chain_ == Chain::kFirstChunk) {
        head = FinishFirstChunk(filled_, nullptr);
      } else {
        data = HandOver(state);
        if (ahead_ && !ended_) next = Call::kQuery;  // the other buffer fills while JavaScript handles this one
      }
    }
    busy_ = next != Call::kNone;
  }
  if (head.status != 0) {
    PostOrFail(state, head);
  } else if (done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && !gathered) {
    PostError(state, done.asyncApi, done.error);
  } else {
    PostChunk(state, chunk, data);
  }
  return next;
}

// Queues `event` for JavaScript; if even that fails for want of memory, the request's failure item carries it.
void BodyPump::PostOrFail(RequestState* state, const StatusEvent& event) noexcept {
  try {
    state->sink()->Post(state, event);
  } catch (...) {
    state->sink()->PostFailure(state, event.status);
  }
}

void BodyPump::PostChunk(RequestState* state, DWORD bytes, const uint8_t* data) noexcept {
  StatusEvent event;
  event.status = WINHTTP_CALLBACK_STATUS_READ_COMPLETE;
  event.value = bytes;
  event.data = data;
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

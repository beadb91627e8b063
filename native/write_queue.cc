#include "write_queue.h"
#include "request_state.h"

WriteQueue::Queued WriteQueue::Queue(RequestState* state, const uint8_t* bytes, size_t size) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_) return Queued::kWaits;  // the failure's REQUEST_ERROR is on its way: it answers this write
    ByteBuffer& filling = buffers_[1 - out_];
    filling.Append(bytes, size);
    if (writeOut_ || busy_) {
      // A write is out (or about to be): these bytes go with the next one. Past kCoalesceBytes, wait for room.
      if (filling.size() < kCoalesceBytes) return Queued::kNow;
      waiting_ = true;
      return Queued::kWaits;
    }
    busy_ = true;
  }
  Drive(state);
  return Queued::kNow;
}

DWORD WriteQueue::Receive(RequestState* state) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_) return 0;  // the failure's REQUEST_ERROR is on its way: it answers the receive
    if (writeOut_ || busy_) {
      receiveWanted_ = true;  // the thread that sees the last WRITE_COMPLETE issues it
      return 0;
    }
  }
  // Drained, and only this (the JS) thread starts a chain from here: no queue call can be under way.
  return WinHttpReceiveResponse(state->handle, nullptr) ? 0 : GetLastError();
}

void WriteQueue::OnCompletion(RequestState* state, DWORD status, DWORD error) {
  const bool failed = status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
  bool drive = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    writeOut_ = false;
    if (failed) {
      failed_ = true;
      waiting_ = false;
      receiveWanted_ = false;
    }
    if (busy_) {
      completedInCall_ = true;  // the driving thread goes on when its call returns (or stops, after a failure)
    } else if (!failed && !closing_) {
      busy_ = true;
      drive = true;
    }
  }
  if (failed) {
    PostOrFail(state, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, API_WRITE_DATA, error);
  } else if (drive) {
    Drive(state);
  }
}

void WriteQueue::Drive(RequestState* state) {
  for (;;) {
    bool write;
    const uint8_t* data = nullptr;
    DWORD size = 0;
    bool room = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ByteBuffer& filling = buffers_[1 - out_];
      if (closing_ || failed_ || writeOut_ || (filling.size() == 0 && !receiveWanted_)) {
        busy_ = false;
        return;
      }
      write = filling.size() > 0;
      if (write) {
        // The buffer WinHTTP finished with fills next; the filling one goes out.
        buffers_[out_].Clear();
        out_ = 1 - out_;
        data = buffers_[out_].data();
        size = static_cast<DWORD>(buffers_[out_].size());
        writeOut_ = true;
        room = waiting_;
        waiting_ = false;
      } else {
        receiveWanted_ = false;
      }
      inCall_ = true;
      completedInCall_ = false;
    }
    if (room) PostOrFail(state, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, 0, 0);
    const BOOL ok = write ? WinHttpWriteData(state->handle, data, size, nullptr)
                          : WinHttpReceiveResponse(state->handle, nullptr);
    const DWORD error = ok ? 0 : GetLastError();
    bool closeNow;
    bool again = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      inCall_ = false;
      closeNow = closeAfterCall_;
      if (!closeNow && !ok && write) {
        writeOut_ = false;  // no notification comes for a call that failed
        failed_ = true;
        waiting_ = false;
        receiveWanted_ = false;
      }
      // A write whose WRITE_COMPLETE came inside the call: this thread issues the next one (no recursion).
      again = !closeNow && ok && write && completedInCall_;
      busy_ = again;
    }
    if (closeNow) {
      // Close() came while this thread was inside the call; JavaScript has settled everything. HANDLE_CLOSING may be
      // delivered inside the close and free the state: touch nothing after it.
      state->pump.Close(state);
      return;
    }
    if (!ok) {
      PostOrFail(state, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, write ? API_WRITE_DATA : API_RECEIVE_RESPONSE, error);
      return;
    }
    if (!again) return;
  }
}

void WriteQueue::Close(RequestState* state) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    closing_ = true;
    buffers_[1 - out_].Free();  // queued bytes that will never be written
    if (!writeOut_ && !inCall_) buffers_[out_].Free();
    if (inCall_) {
      closeAfterCall_ = true;
      return;
    }
  }
  state->pump.Close(state);
}

void WriteQueue::Free() {
  std::lock_guard<std::mutex> lock(mutex_);
  buffers_[0].Free();
  buffers_[1].Free();
}

// Queues the event for JavaScript; if even that fails for want of memory, the request's failure item carries it.
void WriteQueue::PostOrFail(RequestState* state, DWORD status, DWORD_PTR asyncApi, DWORD error) noexcept {
  StatusEvent event;
  event.status = status;
  event.asyncApi = asyncApi;
  event.error = error;
  // A TLS failure's flags, from the SECURE_FAILURE before it (status_callback.cc).
  if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) event.secureFailure = state->secureFailure.exchange(0);
  try {
    state->sink()->Post(state, event);
  } catch (...) {
    state->sink()->PostFailure(state, status);
  }
}

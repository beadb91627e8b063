// The response chain of the body pump (body_pump.h): after WinHttpSendRequest, the pump calls WinHttpReceiveResponse
// from SENDREQUEST_COMPLETE, reads the head from HEADERS_AVAILABLE and gathers the body's first chunk, and posts one
// HEADERS_AVAILABLE carrying all of it. Calling the next function from the completion callback is the asynchronous
// pattern of the WinHttpReceiveResponse and WinHttpQueryDataAvailable references. Any thread; no Node-API.
#include <vector>
#include "body_pump.h"
#include "request_state.h"
#include "wide_string.h"

namespace {

// One header query into `out`, sizing the buffer until it fits (the value may grow between calls: request_wrap.cc).
// False on any failure, an absent header included.
bool QueryText(HINTERNET handle, DWORD level, std::u16string& out) {
  std::vector<wchar_t> buffer(256);
  for (;;) {
    DWORD bytes = static_cast<DWORD>(buffer.size() * sizeof(wchar_t));
    if (WinHttpQueryHeaders(handle, level, WINHTTP_HEADER_NAME_BY_INDEX, buffer.data(), &bytes,
                            WINHTTP_NO_HEADER_INDEX)) {
      out = Utf16FromWide(buffer.data(), bytes / sizeof(wchar_t));
      return true;
    }
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return false;
    buffer.resize(bytes / sizeof(wchar_t) + 1);
  }
}

// The status code as WinHTTP reports it, '\n', the raw CRLF head: what JavaScript would ask for (response-head.ts).
// False (JavaScript then queries the head itself and reports any error) when a query fails or memory runs out.
bool ReadHead(HINTERNET handle, std::u16string& text) noexcept {
  try {
    std::u16string raw;
    if (!QueryText(handle, WINHTTP_QUERY_STATUS_CODE, text) || !QueryText(handle, WINHTTP_QUERY_RAW_HEADERS_CRLF, raw)) {
      return false;
    }
    text.push_back(u'\n');
    text += raw;
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

void BodyPump::ChainResponse(DWORD firstBytes, bool announceSend) {
  std::lock_guard<std::mutex> lock(mutex_);
  chain_ = Chain::kArmed;
  announceSend_ = announceSend;
  chainApi_ = API_SEND_REQUEST;
  lostApi_ = 0;
  firstBytes_ = firstBytes;
  pulling_ = true;  // JavaScript waits for the head
  headRead_ = false;
  headText_.clear();
}

void BodyPump::Unchain() {
  std::lock_guard<std::mutex> lock(mutex_);
  chain_ = Chain::kNone;
  chainApi_ = 0;
  pulling_ = false;
}

DWORD_PTR BodyPump::ChainApi() {
  const DWORD_PTR lost = lostApi_.load();
  return lost != 0 ? lost : chainApi_.load();
}

void BodyPump::NoteLoss() noexcept {
  DWORD_PTR none = 0;
  lostApi_.compare_exchange_strong(none, chainApi_.load());
}

// Inside the pump call (inCall_ is set): WinHttpQueryHeaders may not meet a handle that Close() closed meanwhile.
BodyPump::Call BodyPump::DriveHead(RequestState* state) {
  std::u16string text;
  const bool read = ReadHead(state->handle, text);
  StatusEvent head;
  bool closeNow;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inCall_ = false;
    closeNow = closeAfterCall_;
    busy_ = !closeNow && read && firstBytes_ > 0;  // goes on to the first chunk
    if (!closeNow) {
      headRead_ = read;
      headText_ = std::move(text);
      if (read && firstBytes_ > 0) {
        chain_ = Chain::kFirstChunk;
        chainApi_ = API_READ_DATA;
        started_ = true;  // the body is the pump's from here on
        capacity_ = firstBytes_;
        filled_ = 0;
      } else {
        head = FinishFirstChunk(0, nullptr);
      }
    }
  }
  if (closeNow) {
    // HANDLE_CLOSING may be delivered inside this call and free the state: touch nothing after it.
    WinHttpCloseHandle(state->handle);
    return Call::kNone;
  }
  if (head.status != 0) {
    PostOrFail(state, head);
    return Call::kNone;
  }
  return Call::kQuery;
}

StatusEvent BodyPump::FinishFirstChunk(DWORD bytes, const Completion* failed) {
  chain_ = Chain::kNone;
  chainApi_ = API_RECEIVE_RESPONSE;  // the event posted is the receive's completion
  pulling_ = false;
  if (failed != nullptr) {
    // The head arrived; the body's failure is the next pull's answer.
    kept_ = true;
    keptResult_ = *failed;
  }
  StatusEvent event;
  event.status = WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE;
  event.value = bytes;
  event.headRead = headRead_;
  event.bodyEnded = ended_;
  event.text = std::move(headText_);
  return event;
}

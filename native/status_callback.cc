#include "status_callback.h"
#include "platform/injected_fault.h"
#include "request_state.h"
#include "wide_string.h"

// SECURE_FAILURE is not in WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS; it carries the reason flags that the following
// 12175 error lacks (WINHTTP_STATUS_CALLBACK reference, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE). The progress
// notifications feed the timeline.
const DWORD kSubscribedNotifications = WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES |
                                       WINHTTP_CALLBACK_FLAG_SECURE_FAILURE | kProgressNotifications;

namespace {

// A wide string in lpvStatusInformation; `length` counts characters (WINHTTP_STATUS_CALLBACK reference), the
// terminating null possibly included.
std::u16string CopyWide(LPVOID info, DWORD length) {
  if (info == nullptr) return std::u16string();
  const auto* text = static_cast<const wchar_t*>(info);
  size_t count = 0;
  while (count < length && text[count] != L'\0') ++count;
  return Utf16FromWide(text, count);
}

DWORD CopyDword(LPVOID info) { return info != nullptr ? *static_cast<const DWORD*>(info) : 0; }

// Fills `event` for a progress notification. Returns false when JavaScript does not want it.
bool DescribeProgress(RequestState* state, DWORD status, LPVOID info, DWORD length, StatusEvent& event) {
  state->timeline.Record(status);
  if ((state->notifyMask.load() & status) == 0) return false;
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED:
    case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
      event.text = CopyWide(info, length);
      break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_SENT:
    case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED:
    case WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE:
      event.value = CopyDword(info);
      break;
    default:
      break;
  }
  return true;
}

// Copies the notification and posts it. May throw std::bad_alloc (the copies, the queue item).
void Deliver(RequestState* state, DWORD status, LPVOID info, DWORD length) {
  InjectedFault("status-callback", status);
  if (state->trustGate.Intercept(state, status)) return;
  if (status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) state->timeline.Record(status);
  // Writes are the upload queue's (write_queue.h): it chains the next one and posts only what JavaScript waits for.
  if (status == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE) {
    state->writes.OnCompletion(state, status, 0);
    return;
  }
  if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR &&
      static_cast<const WINHTTP_ASYNC_RESULT*>(info)->dwResult == API_WRITE_DATA) {
    state->writes.OnCompletion(state, status, static_cast<const WINHTTP_ASYNC_RESULT*>(info)->dwError);
    return;
  }
  // Once JavaScript reads the body through the pump, the body's completions are the pump's; it posts the chunks.
  // A chained response (body_pump.h) makes SENDREQUEST_COMPLETE and HEADERS_AVAILABLE the pump's too.
  if (status == WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE || status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE ||
      status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR || status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE ||
      status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) {
    const auto* result = static_cast<const WINHTTP_ASYNC_RESULT*>(info);
    const bool isError = status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
    const DWORD value = status == WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE ? CopyDword(info) : isError ? 0 : length;
    if (state->pump.OnCompletion(state, status, value, isError ? result->dwResult : 0, isError ? result->dwError : 0)) {
      return;
    }
  }
  StatusEvent event;
  event.status = status;
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
      event.value = CopyDword(info);
      break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
      // info points into state->readBuffer; the JS thread copies the bytes out when the event is handled.
      event.value = length;
      break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: {
      const auto* result = static_cast<const WINHTTP_ASYNC_RESULT*>(info);
      event.asyncApi = result->dwResult;
      event.error = result->dwError;
      event.secureFailure = state->secureFailure.exchange(0);
      break;
    }
    case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE:
      state->secureFailure.store(CopyDword(info));
      return;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
      break;
    default:
      if ((status & kProgressNotifications) == 0 || !DescribeProgress(state, status, info, length, event)) return;
      break;
  }
  state->sink()->Post(state, event);
}

}  // namespace

// WinHTTP's thread, or the caller's inside a WinHTTP call. winhttp.dll calls this through a C function pointer
// (WINHTTP_STATUS_CALLBACK reference) and cannot unwind a C++ exception, so none leaves: a notification that cannot
// be copied or queued fails the request instead, through a path that allocates nothing.
void CALLBACK OnWinHttpStatus(HINTERNET /*handle*/, DWORD_PTR context, DWORD status, LPVOID info,
                              DWORD length) noexcept {
  // Session and connection handles carry no context: nothing of ours to tell.
  auto* state = reinterpret_cast<RequestState*>(context);
  if (state == nullptr) return;
  try {
    Deliver(state, status, info, length);
  } catch (...) {
    state->pump.NoteLoss();
    state->sink()->PostFailure(state, status);
  }
  // HANDLE_CLOSING is the last notification for this handle: WinHTTP's reference ends here. The queued event
  // holds its own, so the state survives until JavaScript has seen it.
  if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) state->Release();
}

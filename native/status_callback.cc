#include "status_callback.h"
#include "request_state.h"

// SECURE_FAILURE is not in WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS; it carries the reason flags that the following
// 12175 error lacks (REFERENCES.md #13).
const DWORD kSubscribedNotifications = WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES |
                                       WINHTTP_CALLBACK_FLAG_SECURE_FAILURE;

void CALLBACK OnWinHttpStatus(HINTERNET /*handle*/, DWORD_PTR context, DWORD status, LPVOID info, DWORD length) {
  // Session and connection handles carry no context: nothing of ours to tell.
  auto* state = reinterpret_cast<RequestState*>(context);
  if (state == nullptr) return;

  StatusEvent event;
  event.status = status;
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
      event.value = info != nullptr ? *static_cast<const DWORD*>(info) : 0;
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
      state->secureFailure.store(info != nullptr ? *static_cast<const DWORD*>(info) : 0);
      return;
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
      break;
    default:
      return;
  }

  state->sink()->Post(state, event);
  // HANDLE_CLOSING is the last notification for this handle: WinHTTP's reference ends here. The queued event
  // holds its own, so the state survives until JavaScript has seen it.
  if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) state->Release();
}

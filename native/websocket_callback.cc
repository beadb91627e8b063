#include "websocket_callback.h"
#include "request_state.h"

const DWORD kWebSocketNotifications = WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE | WINHTTP_CALLBACK_STATUS_READ_COMPLETE |
                                      WINHTTP_CALLBACK_STATUS_REQUEST_ERROR | WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE |
                                      WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE | WINHTTP_CALLBACK_FLAG_HANDLES;

namespace {

// Copies what the notification carries (lpvStatusInformation lives only during the callback). May throw
// std::bad_alloc (the queue item).
void Deliver(RequestState* state, DWORD status, LPVOID info) {
  StatusEvent event;
  event.status = status;
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE: {
      // WINHTTP_WEB_SOCKET_STATUS: the bytes moved and, for a receive, what they are (the bytes themselves are in
      // state->readBuffer; the JS thread copies them out).
      const auto* result = static_cast<const WINHTTP_WEB_SOCKET_STATUS*>(info);
      event.value = result->dwBytesTransferred;
      event.webSocketBufferType = static_cast<DWORD>(result->eBufferType);
      break;
    }
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: {
      // A WebSocket handle's REQUEST_ERROR carries WINHTTP_WEB_SOCKET_ASYNC_RESULT: the error and which operation.
      const auto* result = static_cast<const WINHTTP_WEB_SOCKET_ASYNC_RESULT*>(info);
      event.asyncApi = result->AsyncResult.dwResult;
      event.error = result->AsyncResult.dwError;
      event.webSocketOperation = static_cast<DWORD>(result->Operation);
      break;
    }
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
      break;
    default:
      return;  // HANDLE_CREATED
  }
  state->sink()->Post(state, event);
}

}  // namespace

void CALLBACK OnWebSocketStatus(HINTERNET /*handle*/, DWORD_PTR context, DWORD status, LPVOID info,
                                DWORD /*length*/) noexcept {
  // No context yet: the moment between WinHttpWebSocketCompleteUpgrade and binding ours (websocket_wrap.cc).
  auto* state = reinterpret_cast<RequestState*>(context);
  if (state == nullptr) return;
  try {
    Deliver(state, status, info);
  } catch (...) {
    state->sink()->PostFailure(state, status);
  }
  // The last notification for the handle: WinHTTP's reference on the state ends here.
  if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) state->Release();
}

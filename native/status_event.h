// What the status callback copies out of one WinHTTP notification (its lpvStatusInformation is valid only during
// the callback: WINHTTP_STATUS_CALLBACK reference). Plain data, no Node-API.
#pragma once
#include <cstdint>
#include <string>
#include "platform/winhttp_api.h"

struct StatusEvent {
  DWORD status = 0;          // WINHTTP_CALLBACK_STATUS_*
  DWORD value = 0;           // bytes written / available / read, by status
  DWORD_PTR asyncApi = 0;    // WINHTTP_ASYNC_RESULT.dwResult (API_*), for REQUEST_ERROR
  DWORD error = 0;           // WINHTTP_ASYNC_RESULT.dwError, for REQUEST_ERROR
  DWORD secureFailure = 0;   // WINHTTP_CALLBACK_STATUS_FLAG_* from an earlier SECURE_FAILURE, for REQUEST_ERROR
  std::u16string text;       // the address (NAME_RESOLVED, CONNECTED_TO_SERVER); the head (a chained HEADERS_AVAILABLE)
  // A HEADERS_AVAILABLE of the response chain (body_pump.h): `text` holds the head, `value` bytes of the body are in
  // the read buffer, and `bodyEnded` says they are all of it.
  bool headRead = false;
  bool bodyEnded = false;
  // A READ_COMPLETE of the body pump: where its bytes are, when not at the start of the read buffer.
  const uint8_t* data = nullptr;
  // A WebSocket handle's completion (websocket_callback.cc): WINHTTP_WEB_SOCKET_BUFFER_TYPE of a READ_COMPLETE,
  // WINHTTP_WEB_SOCKET_OPERATION of a REQUEST_ERROR.
  DWORD webSocketBufferType = 0;
  DWORD webSocketOperation = 0;
};

// Progress notifications: recorded in the request's timeline, and passed to JavaScript only when it listens.
constexpr DWORD kProgressNotifications =
    WINHTTP_CALLBACK_STATUS_RESOLVING_NAME | WINHTTP_CALLBACK_STATUS_NAME_RESOLVED |
    WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER | WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER |
    WINHTTP_CALLBACK_STATUS_SENDING_REQUEST | WINHTTP_CALLBACK_STATUS_REQUEST_SENT |
    WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE | WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED |
    WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION | WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED |
    WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE;

// True for the notifications that end an asynchronous call (send, write, receive, query, read).
inline bool EndsAsyncCall(DWORD status) {
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
      return true;
    default:
      return false;
  }
}

// winhttp.h's WebSocket declarations for the double, and its WebSocket model (double_websocket.cc): a request with
// WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET whose scripted response is a 101 can be upgraded; the server behind the handle
// echoes each message (split to the receive buffers given), answers a close frame with the same code and reason, and
// for the text message "close:<code>" closes itself with that code (reason "server close"); "stall" makes it
// silent from then on; "flood:<n>:<size>" makes it send n binary messages of size bytes (message i: byte j is
// (i * 31 + j * 7) & 255). Completions run on pool threads; a close ends pending calls with REQUEST_ERROR 12017 naming
// their operation, and HANDLE_CLOSING comes last.
#pragma once

#define NO_ERROR 0
#define ERROR_INVALID_OPERATION 4317
typedef uint16_t USHORT;
#define WINHTTP_HANDLE_TYPE_WEBSOCKET 5

typedef enum _WINHTTP_WEB_SOCKET_OPERATION {
  WINHTTP_WEB_SOCKET_SEND_OPERATION = 0,
  WINHTTP_WEB_SOCKET_RECEIVE_OPERATION = 1,
  WINHTTP_WEB_SOCKET_CLOSE_OPERATION = 2,
  WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION = 3
} WINHTTP_WEB_SOCKET_OPERATION;

typedef enum _WINHTTP_WEB_SOCKET_BUFFER_TYPE {
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE = 0,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE = 1,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE = 2,
  WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE = 3,
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE = 4
} WINHTTP_WEB_SOCKET_BUFFER_TYPE;

typedef struct _WINHTTP_WEB_SOCKET_ASYNC_RESULT {
  WINHTTP_ASYNC_RESULT AsyncResult;
  WINHTTP_WEB_SOCKET_OPERATION Operation;
} WINHTTP_WEB_SOCKET_ASYNC_RESULT;

typedef struct _WINHTTP_WEB_SOCKET_STATUS {
  DWORD dwBytesTransferred;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType;
} WINHTTP_WEB_SOCKET_STATUS;

#define WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH 123

HINTERNET WinHttpWebSocketCompleteUpgrade(HINTERNET request, DWORD_PTR context);
DWORD WinHttpWebSocketSend(HINTERNET socket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void* buffer, DWORD length);
DWORD WinHttpWebSocketReceive(HINTERNET socket, void* buffer, DWORD length, DWORD* bytesRead,
                              WINHTTP_WEB_SOCKET_BUFFER_TYPE* type);
DWORD WinHttpWebSocketShutdown(HINTERNET socket, USHORT status, void* reason, DWORD reasonLength);
DWORD WinHttpWebSocketClose(HINTERNET socket, USHORT status, void* reason, DWORD reasonLength);
DWORD WinHttpWebSocketQueryCloseStatus(HINTERNET socket, USHORT* status, void* reason, DWORD reasonLength,
                                       DWORD* reasonLengthConsumed);

#ifdef __cplusplus
#include <memory>
namespace contract_double {
class Handle;
// WinHttpCloseHandle on a WebSocket handle that has just been unlisted.
void CloseWebSocket(const std::shared_ptr<Handle>& handle);
// WinHttpWebSocketReceive calls accepted so far, all handles together (a test compares before and after).
int64_t WebSocketReceiveCalls();
}  // namespace contract_double
#endif

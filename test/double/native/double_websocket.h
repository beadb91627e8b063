// winhttp.h's WebSocket declarations for the double (double_websocket.cc). The double scripts no 101 response, so it
// creates no WebSocket handle: the upgrade fails as on a request that was not upgraded, and the WebSocket calls fail
// on every handle it has. The WebSocket's behaviour is tested under Wine (test/integration/websocket.test.ts).
#pragma once

#define NO_ERROR 0
#define ERROR_INVALID_OPERATION 4317
typedef uint16_t USHORT;

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

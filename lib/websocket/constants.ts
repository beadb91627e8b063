// winhttp.h's WebSocket numbers (WINHTTP_WEB_SOCKET_BUFFER_TYPE, WINHTTP_WEB_SOCKET_OPERATION, the two completions
// only WebSocket handles report).
export const BUFFER_TYPE = {
  BINARY_MESSAGE: 0,
  BINARY_FRAGMENT: 1,
  UTF8_MESSAGE: 2,
  UTF8_FRAGMENT: 3,
  CLOSE: 4,
} as const;

export const OPERATION_API = ['WinHttpWebSocketSend', 'WinHttpWebSocketReceive', 'WinHttpWebSocketClose',
  'WinHttpWebSocketShutdown'] as const;

export const CLOSE_COMPLETE = 0x02000000;
export const SHUTDOWN_COMPLETE = 0x04000000;

/** RFC 6455 close codes used by the client itself. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_NO_STATUS = 1005;
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_INVALID_PAYLOAD = 1007;
export const CLOSE_TOO_BIG = 1009;

/** WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH. */
export const MAX_CLOSE_REASON_BYTES = 123;

// The WebSocket's own errors (WinHTTP's failures are WinHttpError, with the WinHttpWebSocket* function as `api`).
export { WebSocketHandshakeError } from './handshake';

/** send() would queue more than maxBufferedAmount bytes: wait for drained() and send again. */
export class WebSocketBufferFullError extends Error {
  override readonly name = 'WebSocketBufferFullError';
  readonly code = 'ERR_WINHTTP_WEBSOCKET_BUFFER_FULL';
  constructor(readonly bufferedAmount: number, readonly limit: number) {
    super(`send() would queue more than maxBufferedAmount (${limit} bytes; ${bufferedAmount} are queued)`);
  }
}

/**
 * The server broke the protocol as this client sees it: a message larger than maxMessageSize, or a text message not
 * UTF-8. The connection is failed (close event 1006); `closeCode` is the code RFC 6455 gives the failure (1009, 1007).
 */
export class WebSocketProtocolError extends Error {
  override readonly name = 'WebSocketProtocolError';
  readonly code = 'ERR_WINHTTP_WEBSOCKET_PROTOCOL';
  constructor(message: string, readonly closeCode: number) {
    super(message);
  }
}

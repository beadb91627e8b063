export { WebSocket } from './websocket';
export type { WebSocketOptions } from './options';
export type { WebSocketMessage } from './message-queue';
export { WebSocketCloseEvent, WebSocketErrorEvent } from './events';
export { WebSocketBufferFullError, WebSocketProtocolError, WebSocketHandshakeError } from './errors';

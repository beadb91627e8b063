// WinHTTP's progress notifications as typed request events. The addon passes a notification to JavaScript only
// while the request has a listener for it (Request keeps the mask in step with its listeners), so unobserved
// requests pay nothing for them.
import { STATUS } from '../native/constants';

export const PROGRESS_STATUS = {
  resolvingName: STATUS.RESOLVING_NAME,
  nameResolved: STATUS.NAME_RESOLVED,
  connectingToServer: STATUS.CONNECTING_TO_SERVER,
  connectedToServer: STATUS.CONNECTED_TO_SERVER,
  sendingRequest: STATUS.SENDING_REQUEST,
  requestSent: STATUS.REQUEST_SENT,
  receivingResponse: STATUS.RECEIVING_RESPONSE,
  responseReceived: STATUS.RESPONSE_RECEIVED,
  closingConnection: STATUS.CLOSING_CONNECTION,
  connectionClosed: STATUS.CONNECTION_CLOSED,
  intermediateResponse: STATUS.INTERMEDIATE_RESPONSE,
} as const;

export type ProgressEventName = keyof typeof PROGRESS_STATUS;

export interface ProgressEvent {
  type: ProgressEventName;
  /** performance.now() when the JS thread received it. */
  time: number;
  /** nameResolved, connectedToServer: the server's IP address. */
  address?: string;
  /** requestSent, responseReceived: bytes. */
  bytes?: number;
  /** intermediateResponse: the 1xx status code. */
  status?: number;
}

const NAME_OF = new Map<number, ProgressEventName>(
  Object.entries(PROGRESS_STATUS).map(([name, status]) => [status, name as ProgressEventName]),
);

export function isProgressStatus(status: number): boolean {
  return NAME_OF.has(status);
}

export function progressEvent(status: number, value: number | string | Buffer): ProgressEvent | undefined {
  const type = NAME_OF.get(status);
  if (type === undefined) return undefined;
  const event: ProgressEvent = { type, time: performance.now() };
  if (type === 'nameResolved' || type === 'connectedToServer') event.address = String(value);
  else if (type === 'requestSent' || type === 'responseReceived') event.bytes = Number(value);
  else if (type === 'intermediateResponse') event.status = Number(value);
  return event;
}

/** The notification mask for a set of event names (names that are not progress events add nothing). */
export function notificationMask(names: Iterable<string | symbol>): number {
  let mask = 0;
  for (const name of names) {
    if (typeof name === 'string' && name in PROGRESS_STATUS) mask |= PROGRESS_STATUS[name as ProgressEventName];
  }
  return mask >>> 0;
}

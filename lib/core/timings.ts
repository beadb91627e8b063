// A request's timings, from the milestones the addon records in WinHTTP's status callback (native/request_timeline.h)
// plus the end of the body, which JavaScript sees. All values are milliseconds since the request was opened.

export interface RequestTimings {
  /** Date.now() when the request was opened. */
  startedAt: number;
  resolveStart?: number;
  resolveEnd?: number;
  connectStart?: number;
  connectEnd?: number;
  /** TLS handshake start and end (https, new connection), where WinHTTP reports them (WINHTTP_OPTION_REQUEST_TIMES). */
  tlsStart?: number;
  tlsEnd?: number;
  /** SENDING_REQUEST: after the TLS handshake on https. */
  sendStart?: number;
  requestSent?: number;
  firstByte?: number;
  headers?: number;
  /** The body was read to its end. */
  end?: number;
  phases: {
    /** Name resolution (absent on a reused connection). */
    dns?: number;
    /** TCP connect alone; on https only where WinHTTP reports where the handshake began. */
    tcp?: number;
    /** TLS handshake (https, new connection), where WinHTTP reports it: WINHTTP_OPTION_REQUEST_TIMES (Windows 10 1903+). */
    tls?: number;
    /** TCP connect and, on https, the TLS handshake: from CONNECTING_TO_SERVER to SENDING_REQUEST (new connection). */
    connect?: number;
    /** Request sent to first response byte. */
    wait?: number;
    /** Headers to end of body. */
    download?: number;
    total?: number;
  };
}

const MARKS = ['resolveStart', 'resolveEnd', 'connectStart', 'connectEnd', 'sendStart', 'requestSent', 'firstByte',
  'headers'] as const;

const span = (from: number | undefined, to: number | undefined): number | undefined =>
  from !== undefined && to !== undefined && to >= from ? to - from : undefined;

// The addon's timings() after the MARKS: WINHTTP_OPTION_REQUEST_TIMES' connection establishment and TLS handshake.
const CONNECTION_START = MARKS.length;
const CONNECTION_END = MARKS.length + 1;
const TLS_START = MARKS.length + 2;
const TLS_END = MARKS.length + 3;

/**
 * `native` is what the addon's timings() returns: one value per mark, then the four WINHTTP_OPTION_REQUEST_TIMES
 * values, -1 where not seen. No documented notification separates the TCP connect from the TLS handshake (Wine sends
 * CONNECTED_TO_SERVER only after the handshake), so on https `tcp` and `tls` come only from WinHTTP's own times.
 */
export function buildTimings(startedAt: number, native: number[], end: number | undefined, secure: boolean): RequestTimings {
  const timings: RequestTimings = { startedAt, phases: {} };
  MARKS.forEach((mark, index) => {
    if (native[index] >= 0) timings[mark] = native[index];
  });
  const at = (index: number): number | undefined => (native[index] >= 0 ? native[index] : undefined);
  const tlsStart = secure ? at(TLS_START) : undefined;
  const tlsEnd = tlsStart !== undefined ? at(TLS_END) : undefined;
  if (tlsStart !== undefined) timings.tlsStart = tlsStart;
  if (tlsEnd !== undefined) timings.tlsEnd = tlsEnd;
  if (end !== undefined) timings.end = end;
  const connectionEnd = at(CONNECTION_END);
  const tcpEnd = tlsStart !== undefined && (connectionEnd === undefined || connectionEnd > tlsStart) ? tlsStart : connectionEnd;
  timings.phases = {
    dns: span(timings.resolveStart, timings.resolveEnd),
    tcp: !secure ? span(timings.connectStart, timings.connectEnd)
      : tlsStart !== undefined ? span(at(CONNECTION_START), tcpEnd) : undefined,
    tls: span(tlsStart, tlsEnd),
    connect: span(timings.connectStart, secure ? timings.sendStart : timings.connectEnd),
    wait: span(timings.requestSent, timings.firstByte),
    download: span(timings.headers, timings.end),
    total: timings.end,
  };
  return timings;
}

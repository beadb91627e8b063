// A request's timings, from the milestones the addon records in WinHTTP's status callback (native/request_timeline.h)
// plus the end of the body, which JavaScript sees. All values are milliseconds since the request was opened.

export interface RequestTimings {
  /** Date.now() when the request was opened. */
  startedAt: number;
  resolveStart?: number;
  resolveEnd?: number;
  connectStart?: number;
  connectEnd?: number;
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
    /** TCP connect. */
    tcp?: number;
    /** TLS handshake, where WinHTTP's notifications show it (https, new connection). */
    tls?: number;
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

/** `native` is what the addon's timings() returns: one value per mark, -1 where not seen. */
export function buildTimings(startedAt: number, native: number[], end: number | undefined, secure: boolean): RequestTimings {
  const timings: RequestTimings = { startedAt, phases: {} };
  MARKS.forEach((mark, index) => {
    if (native[index] >= 0) timings[mark] = native[index];
  });
  if (end !== undefined) timings.end = end;
  timings.phases = {
    dns: span(timings.resolveStart, timings.resolveEnd),
    tcp: span(timings.connectStart, timings.connectEnd),
    tls: secure ? span(timings.connectEnd, timings.sendStart) : undefined,
    wait: span(timings.requestSent, timings.firstByte),
    download: span(timings.headers, timings.end),
    total: timings.end,
  };
  return timings;
}

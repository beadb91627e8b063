// The policy layer's one entry: an HTTP exchange as request() (and later fetch() and an undici Dispatcher) means
// it, made of WinHTTP requests from core/. Each hop is a new request handle on the session's connection handle for
// its origin (connections.ts; WinHTTP pools the sockets); redirects.ts decides every hop, body-length.ts checks the
// body's bytes and decoding.ts decodes them.
import type { Readable } from 'node:stream';
import { invalidArg, WinHttpError } from '../errors';
import { findHeader, withHeader, type HeaderPairs } from '../core/headers';
import { crackUrl } from '../core/cracked-url';
import type { OpenRequestOptions, Request, ResponseHead } from '../core/request';
import type { Session } from '../core/session';
import type { CrackedUrl } from '../native/types';
import { ERROR_WINHTTP_RESEND_REQUEST } from '../native/constants';
import type { PreparedBody } from '../body';
import { ResponseBody } from '../response';
import { CheckedBody } from './body-length';
import { announcedLength } from '../core/response-head';
import { writeCoalesced } from './coalesced-writes';
import { toBytes } from '../core/bytes';
import { connectionFor } from './connections';
import { ACCEPT_ENCODING, codingsToUndo, decodedBody } from './decoding';
import type { RequestPolicy } from './options';
import { nextHop, type Hop } from './redirects';
import { answerChallenge } from './auth';
import { CredentialSet } from './credentials';
import { BodyNotReplayableError } from '../errors/auth-errors';
import { checkPins } from '../tls/pin-check';
import { pinsFor } from '../tls/pins';
import { sendAnsweringCertificateRequest } from '../tls/client-certificate';

/** A hop's target as WinHttpCrackUrl split it. */
export type Target = Pick<CrackedUrl, 'secure' | 'host' | 'port' | 'path'>;

export interface DispatchOptions {
  session: Session;
  policy: RequestPolicy;
  /** Options for each hop's openRequest() (timeouts, behaviour overrides, the abort signal). */
  open: OpenRequestOptions;
  /** Server credentials per origin and the proxy's, for 401/407 challenges (auth.ts). */
  credentials?: CredentialSet;
  /** Sets each hop's proxy before it is sent, where the session's own setting does not apply (lib/proxy/). */
  proxy?: (req: Request, url: URL) => Promise<void>;
}

export interface Dispatched {
  /** The final URL. */
  url: string;
  /** The URLs redirected to, in order (the final one last). */
  redirects: string[];
  head: ResponseHead;
  request: Request;
  body: Readable;
}

const FIRST_WRITE = 64 * 1024;
const WRITE_SIZE = 1024 * 1024;
// WinHTTP asks for a resend after e.g. a proxy or server closed a kept-alive connection; more than this is a loop.
const MAX_RESENDS = 3;
// A 3xx body up to this size is read and dropped, so its connection can serve the next hop; a larger one is closed.
const REDIRECT_DRAIN_LIMIT = 64 * 1024;

/**
 * Sends `first` (to `firstTarget`, its URL as WinHttpCrackUrl split it) and follows redirects as `options.policy`
 * says. `current.request` is the hop under way (for the AbortError it was closed with). Resolves with the final
 * response, whose body closes its request when it ends or is destroyed; on failure every request is closed already.
 */
export async function dispatch(first: Hop, firstTarget: Target, options: DispatchOptions,
  current: { request?: Request }, onBodyDone: () => void): Promise<Dispatched> {
  const { session, policy } = options;
  const decode = policy.decompress && findHeader(first.headers, 'accept-encoding') === undefined;
  const chain: Hop[] = [];
  let req: Request | undefined;
  try {
    for (let hop = first, target = firstTarget; ;) {
      chain.push(hop);
      const connection = connectionFor(session, target.host, target.port, target.secure);
      req = connection.openRequest(hop.method, target.path === '' ? '/' : target.path, options.open);
      current.request = req;
      if (options.proxy !== undefined) await options.proxy(req, hop.url);
      const headers = decode ? withHeader(hop.headers, 'Accept-Encoding', ACCEPT_ENCODING) : hop.headers;
      const credentials = options.credentials ?? CredentialSet.EMPTY;
      const origin = hop.url.origin;
      // The chained exchange reads up to 64 KiB of body with the head. Where the head must be judged before any body
      // byte is read, go step by step: a challenge that credentials may answer (WinHttpQueryAuthSchemes and the
      // resend need the body unread) and a pinned host (its body is not read until the certificate matches).
      const judgeHeadFirst = credentials.server(origin) !== undefined || credentials.proxy() !== undefined ||
        (target.secure && pinsFor(session.tls.pins, target.host) !== undefined);
      const head = await exchange(req, headers, hop.body, hop.contentLength, origin, credentials, !judgeHeadFirst);
      if (target.secure) checkPins(req, target.host, session.tls);
      const next = nextHop(hop, head, policy, chain, session.behaviour.cookies);
      if (next === undefined) {
        const body = responseBody(req, hop.method, head, decode, onBodyDone, options.open.signal);
        return { url: hop.url.href, redirects: chain.slice(1).map((h) => h.url.href), head, request: req, body };
      }
      const previous = req;
      req = undefined;
      await drainAndClose(previous, hop.method, head);
      hop = next;
      target = crackUrl(hop.url.href);
    }
  } catch (error) {
    req?.close();
    throw error;
  }
}

function responseBody(req: Request, method: string, head: ResponseHead, decode: boolean, onBodyDone: () => void,
  signal: AbortSignal | undefined): Readable {
  const codings = decode && announcedLength(method, head) !== 0 ? codingsToUndo(head.headers) : [];
  const release = () => {
    onBodyDone();
    req.close();
  };
  const raw = new ResponseBody(new CheckedBody(req, method, head, true), req, release, signal);
  if (codings.length === 0) return raw;
  const encoding = head.headers['content-encoding'];
  return decodedBody(raw, codings, Array.isArray(encoding) ? encoding.join(', ') : encoding!);
}

async function drainAndClose(req: Request, method: string, head: ResponseHead): Promise<void> {
  const body = new CheckedBody(req, method, head);
  try {
    for (let drained = 0; drained <= REDIRECT_DRAIN_LIMIT;) {
      const chunk = await body.next(REDIRECT_DRAIN_LIMIT);
      if (chunk === null) break;
      drained += chunk.byteLength;
    }
  } catch {
    // The 3xx body is dropped anyway: a broken one costs only its connection (the next hop opens another). An
    // abort meanwhile reaches the next hop, whose request opens on the aborted signal.
  } finally {
    req.close();
  }
}

// Sends the request and its body, and waits for the response head, resending while WinHTTP asks for it and the
// body can be sent again, and after a 401/407 that credentials answer (auth.ts; server credentials only for this
// hop's `origin`).
async function exchange(req: Request, headers: HeaderPairs, body: PreparedBody | undefined,
  contentLength: number | undefined, origin: string, credentials: CredentialSet, chainable: boolean): Promise<ResponseHead> {
  const replayable = body === undefined || body.kind === 'bytes';
  // A body that goes whole with the send (or none): the addon chains the receive and the first read itself.
  const whole = chainable && (body === undefined ? contentLength === undefined || contentLength === 0
    : body.kind === 'bytes' && body.bytes.byteLength <= FIRST_WRITE);
  const answered = new Set<number>();
  for (let resends = 0; ;) {
    let head: ResponseHead;
    try {
      head = whole
        ? await sendAnsweringCertificateRequest(req, () => req.sendAndReceive({ headers, body: body?.kind === 'bytes' ? body.bytes : undefined }))
        : await sendAnsweringCertificateRequest(req, () => sendBody(req, headers, body, contentLength)).then(() => req.receiveResponse());
    } catch (error) {
      if (!(error instanceof WinHttpError && error.errno === ERROR_WINHTTP_RESEND_REQUEST) || !replayable ||
        resends >= MAX_RESENDS) {
        throw error;
      }
      resends++;
      continue;
    }
    if (!answerChallenge(req, head, origin, credentials, answered)) return head;
    if (!replayable) throw new BodyNotReplayableError(head.status);
  }
}

async function sendBody(req: Request, headers: HeaderPairs, body: PreparedBody | undefined,
  contentLength: number | undefined): Promise<void> {
  if (body === undefined) {
    await req.send({ headers, contentLength });
    return;
  }
  if (body.kind === 'bytes') {
    const bytes = body.bytes;
    await req.send({ headers, contentLength: bytes.byteLength, body: bytes.subarray(0, FIRST_WRITE) });
    for (let offset = FIRST_WRITE; offset < bytes.byteLength; offset += WRITE_SIZE) {
      await req.write(bytes.subarray(offset, offset + WRITE_SIZE));
    }
    return;
  }
  if (body.length === undefined) {
    await sendChunked(req, headers, body.chunks);
    return;
  }
  await req.send({ headers, contentLength: body.length });
  const written = await writeCoalesced(req, body.chunks);
  if (written !== body.length) {
    throw invalidArg('body', `ended after ${written} of the ${body.length} bytes its length announced`, 'ERR_INVALID_ARG_VALUE');
  }
}

// A body of unknown length, sent as it comes: each chunk of the stream one HTTP chunk (Request frames it, in a copy,
// so a larger one goes as HTTP chunks of WRITE_SIZE), then the last chunk. A stream that fails or an abort leaves the
// body without its end, so the server never takes it whole.
async function sendChunked(req: Request, headers: HeaderPairs, chunks: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
  await req.send({ headers, chunked: true });
  for await (const chunk of chunks) {
    const bytes = toBytes(chunk);
    if (bytes === undefined) throw invalidArg('body chunk', 'must be a string, Buffer or TypedArray');
    for (let offset = 0; offset < bytes.byteLength; offset += WRITE_SIZE) {
      await req.write(bytes.subarray(offset, offset + WRITE_SIZE));
    }
  }
  await req.endChunks();
}

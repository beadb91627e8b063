// The platform's own Response (Node's global one) for what request() resolved with. Its body is a ReadableStream
// that pulls from request()'s Readable only when the consumer reads (highWaterMark 0), so an unread body leaves
// the download waiting in WinHTTP. A Response built by its constructor says type 'default', url '' and
// redirected false; fetch's facts (type 'basic' or 'cors', the final URL, whether a redirect was followed) are set
// on the instance, and clone() carries them over.
import type { Readable } from 'node:stream';
import type { Response as WinHttpResponse } from '../response';

// Statuses whose response has no body (the fetch standard's "null body status"), and methods whose response has none.
const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];
const BODILESS_METHODS = ['HEAD', 'CONNECT'];

interface FetchFacts {
  url: string;
  redirected: boolean;
  type: 'basic' | 'cors';
}

/** `firstUrl`: the URL fetched (before any redirect). */
export function fetchResponse(res: WinHttpResponse, body: Readable, firstUrl: string, method: string,
  signal: AbortSignal | undefined): globalThis.Response {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  const hasBody = !NULL_BODY_STATUSES.includes(res.status) && !BODILESS_METHODS.includes(method);
  if (!hasBody) body.destroy();
  const stream = hasBody ? webStream(body, signal) : null;
  const response = new Response(stream as ConstructorParameters<typeof Response>[0],
    { status: res.status, statusText: res.statusText, headers });
  // A response is 'cors' once a redirect left the first URL's origin, even if a later one came back (the standard's
  // response tainting; Node's fetch runs in mode 'cors' with no origin of its own).
  const origin = new URL(firstUrl).origin;
  const crossed = res.redirects.some((url) => new URL(url).origin !== origin);
  return withFacts(response, { url: res.url, redirected: res.redirects.length > 0, type: crossed ? 'cors' : 'basic' });
}

function withFacts(response: globalThis.Response, facts: FetchFacts): globalThis.Response {
  const clone = response.clone;
  return Object.defineProperties(response, {
    type: { value: facts.type },
    url: { value: facts.url },
    redirected: { value: facts.redirected },
    clone: { value: () => withFacts(clone.call(response), facts) },
  });
}

// Errors as Node's fetch errors a body: with the signal's reason after an abort, else TypeError('terminated') whose
// cause says what happened (a truncated body, a WinHttpError, a decoding error).
function webStream(body: Readable, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let onAbort: (() => void) | undefined;
  const done = () => {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      onAbort = () => {
        controller.error(signal?.reason);
        body.destroy();
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      try {
        const { done: ended, value } = await chunks.next();
        if (signal?.aborted) return;
        if (ended) {
          done();
          controller.close();
        } else {
          controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        }
      } catch (error) {
        if (signal?.aborted) return;
        done();
        controller.error(new TypeError('terminated', { cause: error }));
      }
    },
    cancel() {
      done();
      body.destroy();
    },
  }, { highWaterMark: 0 });
}

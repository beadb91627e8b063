// The opening handshake: one GET on a request handle of the session, with WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET set
// before it is sent, so the session's proxy, TLS settings and credentials apply as to any request. WinHTTP adds the
// Upgrade, Connection and Sec-WebSocket-Key/Version headers and checks Sec-WebSocket-Accept; this module offers the
// subprotocols, answers a 401/407 as request() does (policy/auth.ts) and checks the 101's subprotocol.
import { WinHttpError } from '../errors';
import { withHeader } from '../core/headers';
import { callNative } from '../core/native-call';
import { crackUrl } from '../core/cracked-url';
import type { Request, ResponseHead } from '../core/request';
import type { Session } from '../core/session';
import { uniformTimeouts } from '../core/timeouts';
import { getBinding } from '../native/binding';
import { ERROR_WINHTTP_RESEND_REQUEST } from '../native/constants';
import { answerChallenge } from '../policy/auth';
import { connectionFor } from '../policy/connections';
import { proxyStep } from '../proxy/per-request';
import { sendAnsweringCertificateRequest } from '../tls/client-certificate';
import type { CheckedOptions } from './options';

const MAX_RESENDS = 3;

/** The server refused the upgrade: its status was not 101, or its subprotocol was not one offered. */
export class WebSocketHandshakeError extends Error {
  override readonly name = 'WebSocketHandshakeError';
  readonly code = 'ERR_WINHTTP_WEBSOCKET_HANDSHAKE';
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export interface Upgraded {
  request: Request;
  head: ResponseHead;
  protocol: string;
}

/** Sends the upgrade for `url` (http: or https: form) and waits for its 101; `current` holds the request under way. */
export async function upgrade(url: URL, session: Session, options: CheckedOptions,
  current: { request?: Request }): Promise<Upgraded> {
  const target = crackUrl(url.href);
  const connection = connectionFor(session, target.host, target.port, target.secure);
  const timeouts = options.timeout === undefined ? undefined : uniformTimeouts(options.timeout);
  const req = connection.openRequest('GET', target.path === '' ? '/' : target.path, { timeouts });
  current.request = req;
  try {
    const proxy = proxyStep(session, options.proxy);
    if (proxy !== undefined) await proxy(req, url);
    callNative(() => getBinding().WebSocket.prepareUpgrade(req.native));
    const headers = options.protocols.length === 0 ? options.headers
      : withHeader(options.headers, 'Sec-WebSocket-Protocol', options.protocols.join(', '));
    const credentials = session.credentials.withRequest(url.origin, options.credentials, options.proxyCredentials);
    const answered = new Set<number>();
    for (let resends = 0; ;) {
      let head: ResponseHead;
      try {
        head = await sendAnsweringCertificateRequest(req, () => req.send({ headers })).then(() => req.receiveResponse());
      } catch (error) {
        if (!(error instanceof WinHttpError && error.errno === ERROR_WINHTTP_RESEND_REQUEST) || resends >= MAX_RESENDS) {
          throw error;
        }
        resends++;
        continue;
      }
      if (answerChallenge(req, head, url.origin, credentials, answered)) continue;
      if (head.status !== 101) {
        throw new WebSocketHandshakeError(`The server answered the WebSocket upgrade with ${head.status}`, head.status);
      }
      return { request: req, head, protocol: chosenProtocol(head, options.protocols) };
    }
  } catch (error) {
    req.close();
    throw error;
  }
}

// WHATWG WebSocket "establish a WebSocket connection": a subprotocol the client did not offer fails the connection.
function chosenProtocol(head: ResponseHead, offered: string[]): string {
  const value = head.headers['sec-websocket-protocol'];
  const chosen = (Array.isArray(value) ? value.join(', ') : value ?? '').trim();
  if (chosen !== '' && !offered.includes(chosen)) {
    throw new WebSocketHandshakeError(`The server chose the subprotocol "${chosen}", which was not offered`, 101);
  }
  return chosen;
}

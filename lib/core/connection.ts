// Connection: the WinHttpConnect handle for one host and port. Requests are opened on it.
import { InvalidStateError } from '../errors';
import { getBinding } from '../native/binding';
import type { NativeConnection, NativeSession } from '../native/types';
import { callNative } from './native-call';
import { Request, type OpenRequestOptions } from './request';
import type { Session } from './session';
import { WeakHandleSet, type Membership } from './weak-handles';
import { validateMethod, validatePath } from './validate';

export interface ConnectOptions {
  /** TLS (https). The default port becomes 443. */
  secure?: boolean;
}

export class Connection {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly session: Session;
  readonly #native: NativeConnection;
  readonly #requests = new WeakHandleSet<Request>();
  readonly #onClose: () => void;
  #closed = false;

  /** @internal Use Session.connect(). */
  constructor(session: Session, nativeSession: NativeSession, host: string, port: number, secure: boolean, onClose: () => void) {
    this.session = session;
    this.host = host;
    this.port = port;
    this.secure = secure;
    this.#onClose = onClose;
    const binding = getBinding();
    this.#native = callNative(() => new binding.Connection(nativeSession, host, port));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** WinHttpOpenRequest: `path` is the request target, already escaped ("/a%20b?q=1"). */
  openRequest(method: string, path: string, options: OpenRequestOptions = {}): Request {
    if (this.#closed) throw new InvalidStateError('The connection is closed');
    let held: Membership<Request> | undefined;
    const request = new Request(this.#native, validateMethod(method), validatePath(path), this.secure, this.host,
      this.session.tls, this.session.timeouts, this.session.behaviour, options, () => {
        if (held !== undefined) this.#requests.delete(held);
      });
    held = this.#requests.add(request);
    return request;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const request of this.#requests.values()) request.close();
    this.#native.close();
    this.#onClose();
  }
}

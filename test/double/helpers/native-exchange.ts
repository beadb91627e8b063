// Drives the raw addon (lib/native/types.ts) one WinHTTP call at a time, for the cases the public API does not reach:
// sending again on the same handle (12032, 12044) and options lib/ does not set. Each call resolves with the
// notification that completed it.
import { getBinding } from '../../../lib/native/binding';
import type { NativeConnection, NativeRequest, NativeSession } from '../../../lib/native/types';
import { STATUS } from './contract-double';

export interface Completion {
  status: number;
  value: number | Buffer | string;
  asyncApi: number;
  error: number;
  secureFailure: number;
}

const ENDS_CALL = new Set<number>([STATUS.SENDREQUEST_COMPLETE, STATUS.WRITE_COMPLETE, STATUS.HEADERS_AVAILABLE,
  STATUS.DATA_AVAILABLE, STATUS.READ_COMPLETE, STATUS.REQUEST_ERROR]);

export class NativeExchange {
  readonly session: NativeSession;
  readonly connection: NativeConnection;
  readonly request: NativeRequest;
  readonly closed: Promise<void>;
  #waiting: ((completion: Completion) => void) | undefined;
  #markClosed!: () => void;

  constructor(path: string, flags = 0) {
    const binding = getBinding();
    this.closed = new Promise((resolve) => (this.#markClosed = resolve));
    this.session = new binding.Session('double-test', 1, null, null);
    this.connection = new binding.Connection(this.session, 'double.test', 443);
    this.request = new binding.Request(this.connection, 'GET', path, flags, (status, value, asyncApi, error, secureFailure) => {
      if (status === STATUS.HANDLE_CLOSING) this.#markClosed();
      if (!ENDS_CALL.has(status)) return;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.({ status, value, asyncApi, error, secureFailure });
    });
  }

  /** Starts one asynchronous call and resolves with the notification that ends it. */
  call(start: (request: NativeRequest) => void): Promise<Completion> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      start(this.request);
    });
  }

  /** Closes request, connection and session, and waits for the request's HANDLE_CLOSING. */
  async close(): Promise<void> {
    this.request.close();
    this.connection.close();
    this.session.close();
    await this.closed;
  }
}

// The async iterator of a WebSocket's messages: messages wait here until the consumer asks for them. `bytes` counts
// the ones waiting (their received size), which websocket.ts holds under maxQueuedAmount by pausing the receives.
export type WebSocketMessage = string | Buffer;

interface Queued {
  message: WebSocketMessage;
  size: number;
}

export interface MessageQueueHooks {
  /** The consumer ended the iteration (return(), break): this queue no longer counts. */
  detach(): void;
  /** The consumer took a message: `bytes` went down. */
  taken(): void;
}

export class MessageQueue implements AsyncIterableIterator<WebSocketMessage> {
  readonly #messages: Queued[] = [];
  readonly #waiting: Array<{ resolve(result: IteratorResult<WebSocketMessage>): void; reject(error: Error): void }> = [];
  readonly #hooks: MessageQueueHooks;
  #bytes = 0;
  #ended = false;
  #error: Error | undefined;

  constructor(hooks: MessageQueueHooks) {
    this.#hooks = hooks;
  }

  /** Bytes of the messages received and not yet taken. */
  get bytes(): number {
    return this.#bytes;
  }

  /** `size`: the message's bytes as received (UTF-8 for text). */
  push(message: WebSocketMessage, size: number): void {
    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter.resolve({ value: message, done: false });
      return;
    }
    this.#messages.push({ message, size });
    this.#bytes += size;
  }

  /** No more messages; `error`: the iterator throws it once the queued ones are taken. */
  end(error?: Error): void {
    this.#ended = true;
    this.#error = error;
    for (const waiter of this.#waiting.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<WebSocketMessage>> {
    const queued = this.#messages.shift();
    if (queued !== undefined) {
      this.#bytes -= queued.size;
      this.#hooks.taken();
      return Promise.resolve({ value: queued.message, done: false });
    }
    if (this.#ended) {
      const error = this.#error;
      this.#error = undefined;
      return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<WebSocketMessage>> {
    this.#messages.length = 0;
    this.#bytes = 0;
    this.end();
    this.#hooks.detach();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WebSocketMessage> {
    return this;
  }
}

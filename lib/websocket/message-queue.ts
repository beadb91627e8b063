// The async iterator of a WebSocket's messages: messages wait here until the consumer asks for them.
export type WebSocketMessage = string | Buffer;

export class MessageQueue implements AsyncIterableIterator<WebSocketMessage> {
  readonly #messages: WebSocketMessage[] = [];
  readonly #waiting: Array<{ resolve(result: IteratorResult<WebSocketMessage>): void; reject(error: Error): void }> = [];
  readonly #detach: () => void;
  #ended = false;
  #error: Error | undefined;

  constructor(detach: () => void) {
    this.#detach = detach;
  }

  push(message: WebSocketMessage): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter.resolve({ value: message, done: false });
    else this.#messages.push(message);
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
    if (this.#messages.length > 0) return Promise.resolve({ value: this.#messages.shift()!, done: false });
    if (this.#ended) {
      const error = this.#error;
      this.#error = undefined;
      return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<WebSocketMessage>> {
    this.#messages.length = 0;
    this.end();
    this.#detach();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WebSocketMessage> {
    return this;
  }
}

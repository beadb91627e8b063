// Progress of a transfer: bytes so far, total when known, rate and time left, reported at most once per interval
// (default 100 ms, so a listener that draws a bar never runs per chunk) and once more at the end. The clock is
// injectable, so the throttle and the arithmetic are tested without waiting.

export interface Progress {
  /** Bytes received so far (for download(): bytes in the file, a resumed prefix included). */
  bytes: number;
  /** Bytes expected in all, when the server said (Content-Length, Content-Range); undefined otherwise. */
  total: number | undefined;
  /** Bytes per second over the last few seconds of this transfer (0 until time has passed). */
  rate: number;
  /** Seconds left at that rate, when the total is known and the rate is above 0. */
  eta: number | undefined;
  /** True on the last report, once the transfer has ended. */
  done: boolean;
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 100;
/** The rate is measured over this window, so a stall shows within seconds instead of being averaged away. */
const RATE_WINDOW_MS = 5000;

export class ProgressMeter {
  readonly #listener: (progress: Progress) => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #total: number | undefined;
  #bytes = 0;
  #lastReport: number | undefined;
  /** (time, bytes) samples inside the rate window, oldest first. */
  #samples: Array<[number, number]> = [];

  constructor(listener: (progress: Progress) => void, options: { intervalMs?: number; now?: () => number } = {}) {
    this.#listener = listener;
    this.#intervalMs = options.intervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Starts (or restarts, after a retry) a run at `bytes` of `total`; the rate counts from here. */
  start(bytes: number, total: number | undefined): void {
    this.#bytes = bytes;
    this.#total = total;
    this.#samples = [[this.#now(), bytes]];
  }

  /** `count` more bytes arrived; reports if the interval has passed since the last report. */
  add(count: number): void {
    this.#bytes += count;
    const now = this.#now();
    if (this.#lastReport === undefined || now - this.#lastReport >= this.#intervalMs) this.#report(now, false);
  }

  /** The transfer ended: one last report. */
  finish(): void {
    this.#report(this.#now(), true);
  }

  #report(now: number, done: boolean): void {
    this.#lastReport = now;
    const samples = this.#samples;
    samples.push([now, this.#bytes]);
    while (samples.length > 2 && now - samples[1][0] >= RATE_WINDOW_MS) samples.shift();
    const [since, from] = samples[0];
    const rate = now > since ? ((this.#bytes - from) * 1000) / (now - since) : 0;
    const total = this.#total;
    const eta = total !== undefined && rate > 0 ? Math.max(0, total - this.#bytes) / rate : undefined;
    this.#listener({ bytes: this.#bytes, total, rate, eta, done });
  }
}

// The open children of a session or connection, held weakly: a parent must be able to close what is still open
// under it, but must not keep alive a request or connection that JavaScript has dropped (its finalizer closes it).
//
// No FinalizationRegistry: V8's young-generation collector (the scavenger) keeps a registered target alive, and with
// one registration per request every request since the last full collection survived each scavenge with all it
// references (measured: 20% of young bytes survived; the young generation grew from 2 to 34 MB, i.e. RSS +30 MB, over
// 10,000 sequential requests; bench/README.md, finding 4). Dropped members are swept instead, whenever the set has
// doubled since the last sweep: amortised O(1) per add, and at most twice the live count held.
const FIRST_SWEEP_AT = 64;

export class WeakHandleSet<T extends object> {
  readonly #refs = new Set<WeakRef<T>>();
  #sweepAt = FIRST_SWEEP_AT;

  /** Adds `value`; the reference returned is what delete() takes (the member keeps it: no lookup by value). */
  add(value: T): WeakRef<T> {
    if (this.#refs.size >= this.#sweepAt) this.#sweep();
    const ref = new WeakRef(value);
    this.#refs.add(ref);
    return ref;
  }

  delete(ref: WeakRef<T>): void {
    this.#refs.delete(ref);
  }

  /** The members still alive, as a snapshot (safe to delete while iterating it). */
  values(): T[] {
    const alive: T[] = [];
    for (const ref of this.#refs) {
      const value = ref.deref();
      if (value !== undefined) alive.push(value);
    }
    return alive;
  }

  /** References held, dropped members not yet swept included (for tests). */
  get heldCount(): number {
    return this.#refs.size;
  }

  #sweep(): void {
    for (const ref of this.#refs) if (ref.deref() === undefined) this.#refs.delete(ref);
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, 2 * this.#refs.size);
  }
}

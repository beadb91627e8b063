// The open children of a session or connection, held weakly: a parent must be able to close what is still open
// under it, but must not keep alive a request or connection that JavaScript has dropped (its finalizer closes it).
//
// In a SlotList, not a Set: a Set's discarded tables kept every request's objects alive through young collections
// (slot-list.ts). No FinalizationRegistry either: V8's scavenger keeps a registered target alive (bench/README.md,
// finding 4). Members dropped without delete() are swept instead, whenever the slots would grow past twice the
// members alive at the last sweep: amortised O(1) per add.
import { SlotList, type Slot } from './slot-list';

const FIRST_SWEEP_AT = 64;

/** What add() returns and delete() takes (the member keeps it). */
export type Membership<T extends object> = Slot<WeakRef<T>>;

export class WeakHandleSet<T extends object> {
  readonly #refs = new SlotList<WeakRef<T>>();
  #sweepAt = FIRST_SWEEP_AT;

  add(value: T): Membership<T> {
    if (!this.#refs.hasFree && this.#refs.capacity >= this.#sweepAt) this.#sweep();
    return this.#refs.add(new WeakRef(value));
  }

  /** A second delete of the same membership does nothing. */
  delete(membership: Membership<T>): void {
    this.#refs.delete(membership);
  }

  /** The members still alive, as a snapshot (safe to delete while iterating it). */
  values(): T[] {
    const alive: T[] = [];
    for (const ref of this.#refs.values()) {
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
    this.#refs.deleteWhere((ref) => ref.deref() === undefined);
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, 2 * this.#refs.size);
  }
}

// A list of members that come and go, one per request, in an array of slots where a freed slot is reused: what a Set
// would do, without the garbage a Set leaves behind. A Set with one add and one delete per request rebuilds its hash
// table again and again; once the Set lives in the old generation (after any full collection), the tables it left
// behind still point at members deleted long before, and V8's young-generation collector (the scavenger) treats
// whatever an old object points at as live: every request's objects survived it and were promoted (measured: ~1.7 KB
// per request() call, a full collection every few thousand requests; bench/README.md, finding 3l). A slot is written
// back to undefined on delete, and points at nothing any more.

/** What add() returns and delete() takes: the member's slot (the caller keeps it: no lookup by value). */
export interface Slot<T> {
  readonly index: number;
  readonly value: T;
}

export class SlotList<T> {
  readonly #slots: Array<T | undefined> = [];
  readonly #free: number[] = [];

  add(value: T): Slot<T> {
    const index = this.#free.pop() ?? this.#slots.length;
    this.#slots[index] = value;
    return { index, value };
  }

  /** Frees the slot; a second delete of the same slot does nothing (nor does one whose slot was reused since). */
  delete(slot: Slot<T>): void {
    if (this.#slots[slot.index] !== slot.value) return;
    this.#slots[slot.index] = undefined;
    this.#free.push(slot.index);
  }

  /** Members in use. */
  get size(): number {
    return this.#slots.length - this.#free.length;
  }

  /** Slots, used or not: add() reuses a free one before it adds another. */
  get capacity(): number {
    return this.#slots.length;
  }

  /** Whether add() would reuse a slot. */
  get hasFree(): boolean {
    return this.#free.length > 0;
  }

  /** The members, as a snapshot (safe to delete while iterating it). */
  values(): T[] {
    const members: T[] = [];
    for (const value of this.#slots) if (value !== undefined) members.push(value);
    return members;
  }

  /** Deletes every member for which `drop` answers true. */
  deleteWhere(drop: (value: T) => boolean): void {
    this.#slots.forEach((value, index) => {
      if (value === undefined || !drop(value)) return;
      this.#slots[index] = undefined;
      this.#free.push(index);
    });
  }
}

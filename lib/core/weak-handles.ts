// The open children of a session or connection, held weakly: a parent must be able to close what is still open
// under it, but must not keep alive a request or connection that JavaScript has dropped (its finalizer closes it).
export class WeakHandleSet<T extends object> {
  readonly #refs = new Set<WeakRef<T>>();
  readonly #refOf = new WeakMap<T, WeakRef<T>>();
  readonly #registry = new FinalizationRegistry<WeakRef<T>>((ref) => this.#refs.delete(ref));

  add(value: T): void {
    const ref = new WeakRef(value);
    this.#refs.add(ref);
    this.#refOf.set(value, ref);
    this.#registry.register(value, ref, ref);
  }

  delete(value: T): void {
    const ref = this.#refOf.get(value);
    if (ref === undefined) return;
    this.#refs.delete(ref);
    this.#refOf.delete(value);
    this.#registry.unregister(ref);
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
}

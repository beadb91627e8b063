// Realm-independent `instanceof` for the error classes. A second copy of this package (two versions in one
// node_modules tree) or a jest/vm realm gives each class a different identity, so instances are branded with a
// registry symbol (Symbol.for) and each class's Symbol.hasInstance checks the brand instead of the prototype chain.

/** Marks `target` with a non-enumerable `key: true` property. */
export function setBrand(target: object, key: symbol): void {
  Object.defineProperty(target, key, { value: true });
}

/**
 * Implements `static [Symbol.hasInstance]` for the branded class `base`. When called on a subclass of `base`
 * (`this !== base`) the ordinary prototype-chain check applies, so `x instanceof Subclass` stays precise.
 */
export function hasBrand(self: Function, base: Function, key: symbol, value: unknown): boolean {
  if (self !== base) return Function.prototype[Symbol.hasInstance].call(self, value);
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as { [k: symbol]: unknown })[key] === true
  );
}

/**
 * Map fields (kwargs, context) are plain objects, and "__proto__" is a legal
 * key in them. `obj[key] = value` with that key replaces the prototype instead
 * of adding the key (the argument vanishes), and `for...in` then walks the new
 * prototype's fields as if they were entries.
 */

/** Adds `key` as an own property, "__proto__" included. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else obj[key] = value;
}

/** True when `for...in` over `obj` visits only its own keys (its prototype is Object.prototype or null). */
export function hasPlainPrototype(obj: object): boolean {
  const prototype = Object.getPrototypeOf(obj);
  return prototype === Object.prototype || prototype === null;
}

/**
 * How stored items stay untouchable without copying on every read. A write stores a deep-frozen
 * copy of what it was given (items are JSON-shaped, as DynamoDB items are: an `undefined`
 * attribute is simply absent); a read hands that frozen item out as it is, and a change stores a
 * new item. Code that tried to change an item it read would throw a TypeError (ES modules are
 * strict), which the simulation reports as a programmer error — so sharing is safe, and copying on
 * every read was most of the simulation's cost.
 */
export function frozenCopy<T>(value: T): T {
  if (value === undefined) return value;
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

/** Freezes an item the store built itself (nobody else holds it): no copy needed. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value as object)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A mutable deep copy, for the few values that leave the store to code that may change them. */
export function copyItem<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

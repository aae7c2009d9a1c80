// Indexing where the index is known to be in range (a register number decoded from an offset the bank
// already bounds, a loop over a fixed-size table): the element, typed as present, or a thrown bug. Not on hot
// paths: one generic function sees every kind of array, so V8's load in it goes megamorphic; a hot read of a
// typed array writes `items[i] ?? 0` instead.

/** `items[index]`, which the caller knows is there; throws a RangeError (a bug, not bad input) if not. */
export function at<T>(items: ArrayLike<T>, index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} is outside 0..${items.length - 1}`);
  return item;
}

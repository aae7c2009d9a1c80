// "did you mean" for a misspelt key or flag: the known word one or two edits away (fewer for short words).
import { at } from '../util/at.js';

/** The known word closest to `word` within a small edit distance, if any. */
export function closestWord(word: string, known: readonly string[]): string | undefined {
  return known.find((k) => editDistance(k, word) <= Math.min(2, Math.floor(k.length / 3)));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(at(previous, j) + 1, at(current, j - 1) + 1, at(previous, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return at(previous, b.length);
}

// JSON text as a config or host description file holds it: parsed with the file's name and the line and
// column of a syntax error in every message.
import { JsonCheckError } from './json-schema.js';
import { at } from '../util/at.js';

/** Parses JSON text, naming the source and the line and column of a syntax error. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = errorPosition(text, message);
    const detail = message
      .replace(/^.*?(Unexpected|Expected|Bad|Unterminated)/, '$1')
      .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
      .replace(/( in JSON)? at position \d+.*$/s, '');
    if (position === undefined) throw new JsonCheckError([`${source}: not valid JSON: ${detail}`]);
    const before = text.slice(0, position).split('\n');
    throw new JsonCheckError([`${source}:${before.length}:${at(before, before.length - 1).length + 1}: not valid JSON: ${detail}`]);
  }
}

/**
 * Where JSON.parse stopped. V8 gives a position for most errors but not for an unexpected token; then the
 * shortest failing prefix is found: every shorter prefix fails only for ending early.
 */
function errorPosition(text: string, message: string): number | undefined {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (!message.startsWith('Unexpected token')) return undefined;
  const failsOnToken = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      return (error as Error).message.startsWith('Unexpected token');
    }
  };
  let [low, high] = [0, text.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsOnToken(mid)) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}

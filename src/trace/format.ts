// printf-style formats for trace events (QEMU's trace-events conventions, with `%lx` standing in for PRIx64).
// A format is parsed once, when its event is defined, so a bad one fails at startup naming the event, and
// formatting an enabled event only walks the parsed pieces.
import { at } from '../util/at.js';

/** One conversion: `%[flags][width][length]conversion`. */
interface Conversion {
  flags: string;
  width: number;
  /** Bits a negative value wraps to for unsigned conversions: hh 8, h 16, none 32, l/ll/j/z/t 64. */
  bits: number;
  conversion: string;
}

/** Literal text and conversions, alternating: `pieces[0]`, conversion 0, `pieces[1]`, ... */
export interface ParsedFormat {
  readonly pieces: readonly string[];
  readonly conversions: readonly Conversion[];
}

/** The argument list a format asks for, counted at compile time (`%%` takes none). */
export type TraceArgs<F extends string> = string extends F ? unknown[] : CountConversions<F, []>;
type CountConversions<F extends string, Acc extends unknown[]> = F extends `${string}%${infer Rest}`
  ? Rest extends `%${infer After}`
    ? CountConversions<After, Acc>
    : CountConversions<Rest, [...Acc, unknown]>
  : Acc;

const CONVERSION = /%([-+ #0]*)(\d*)(hh|h|ll|l|j|z|t)?(.?)/g;
const SUPPORTED = new Set('diuxXocsp');
const LENGTH_BITS: Record<string, number> = { hh: 8, h: 16, '': 32, l: 64, ll: 64, j: 64, z: 64, t: 64 };

export function parseFormat(format: string, eventName: string): ParsedFormat {
  const pieces: string[] = [];
  const conversions: Conversion[] = [];
  let literal = '';
  let last = 0;
  for (const m of format.matchAll(CONVERSION)) {
    const [whole, flags = '', width = '', length = '', conversion = ''] = m;
    literal += format.slice(last, m.index);
    last = m.index + whole.length;
    if (whole === '%%') {
      literal += '%';
      continue;
    }
    if (!SUPPORTED.has(conversion)) {
      throw new Error(
        `trace event '${eventName}': conversion '${whole}' in format '${format}' is not supported (accepted: %d %i %u %x %X %o %c %s %p %%, with flags -+ #0, a width and a length hh h l ll j z t)`,
      );
    }
    pieces.push(literal);
    literal = '';
    const bits = LENGTH_BITS[length];
    if (bits === undefined) throw new Error(`trace event '${eventName}': length '${length}' in format '${format}' is not supported`);
    conversions.push({ flags, width: Number(width || 0), bits, conversion });
  }
  pieces.push(literal + format.slice(last));
  return { pieces, conversions };
}

export function formatTrace(parsed: ParsedFormat, args: readonly unknown[]): string {
  let out = at(parsed.pieces, 0);
  parsed.conversions.forEach((conversion, i) => (out += convert(conversion, args[i]) + at(parsed.pieces, i + 1)));
  return out;
}

function convert(c: Conversion, arg: unknown): string {
  if (c.conversion === 's') return pad(String(arg), c);
  if (c.conversion === 'c') return pad(typeof arg === 'number' ? String.fromCharCode(arg) : String(arg), c);
  // Numbers that are not integers are printed as they are: truncating would hide the caller's mistake.
  if (!(typeof arg === 'bigint' || Number.isInteger(arg))) return pad(String(arg), c);
  let value = BigInt(arg as number | bigint);
  let sign = '';
  if (c.conversion === 'd' || c.conversion === 'i') {
    if (value < 0n) [sign, value] = ['-', -value];
    else if (c.flags.includes('+')) sign = '+';
    else if (c.flags.includes(' ')) sign = ' ';
    return pad(value.toString(10), c, sign);
  }
  if (value < 0n) value = BigInt.asUintN(c.bits, value);
  switch (c.conversion) {
    case 'u':
      return pad(value.toString(10), c);
    case 'o':
      return pad(value.toString(8), c, c.flags.includes('#') && value !== 0n ? '0' : '');
    case 'p':
      return pad(value.toString(16), c, '0x');
    case 'X':
      return pad(value.toString(16).toUpperCase(), c, c.flags.includes('#') && value !== 0n ? '0X' : '');
    default: // 'x'; like C, `%#x` of zero is plain "0"
      return pad(value.toString(16), c, c.flags.includes('#') && value !== 0n ? '0x' : '');
  }
}

/** Pads to the width: spaces on the left, on the right with `-`, or zeros after the sign or prefix with `0`. */
function pad(digits: string, c: Conversion, prefix = ''): string {
  const missing = c.width - prefix.length - digits.length;
  if (missing <= 0) return prefix + digits;
  if (c.flags.includes('-')) return prefix + digits + ' '.repeat(missing);
  if (c.flags.includes('0') && c.conversion !== 's' && c.conversion !== 'c') return prefix + '0'.repeat(missing) + digits;
  return ' '.repeat(missing) + prefix + digits;
}

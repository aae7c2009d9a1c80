// The fuzzer's random numbers: a seeded generator (sfc32, small and fast, with a 2^128 state), so a seed
// names one sequence of operations that a failure can be replayed from, and the draws a fuzzer needs
// (integers, choices, values biased towards the ones that find bugs: 0, all ones, single bits).
import { at } from '../../util/at.js';

/** A 32-bit hash of a text, to give every fuzz target its own sequence under one seed. */
export function hashText(text: string): number {
  let h = 0x811c_9dc5; // FNV-1a
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x0100_0193);
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = 0x9e37_79b9;
    this.b = seed >>> 0;
    this.c = stream >>> 0;
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32(); // mix the seed into the whole state
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n), n up to 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return at(items, this.below(items.length));
  }

  /** A 32-bit value as bugs like them: zero, all ones, one bit, a small number, or anything. */
  value32(): number {
    switch (this.below(6)) {
      case 0:
        return 0;
      case 1:
        return 0xffff_ffff;
      case 2:
        return (1 << this.below(32)) >>> 0;
      case 3:
        return this.below(32);
      default:
        return this.u32();
    }
  }

  /** A 64-bit value, biased the same way. */
  value64(): bigint {
    switch (this.below(5)) {
      case 0:
        return 0n;
      case 1:
        return (1n << 64n) - 1n;
      case 2:
        return 1n << BigInt(this.below(64));
      default:
        return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    }
  }

  /** A span of virtual time: mostly short, sometimes seconds (log-uniform from 1 ns to ~10 s). */
  durationNs(): number {
    return Math.floor(10 ** ((this.u32() / 0x1_0000_0000) * 10));
  }
}

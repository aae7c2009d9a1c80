// The system counter as the VMM runs it (Arm ARM D11.1.2 "The system counter"): 62.5 MHz, QEMU's and
// Unicorn's CNTFRQ, counted from virtual time so that it is as deterministic as the clock. The vCPU reads
// CNTVCT_EL0/CNTPCT_EL0 natively with the same formula (native/src/vcpu_hooks.cc: ns / 16).

/** CNTFRQ_EL0, in Hz. */
export const CNTFRQ = 62_500_000;

const FREQUENCY = BigInt(CNTFRQ);
const NS_PER_S = 1_000_000_000n;

/** The count at virtual time `ns`. */
export function counterAt(ns: number): bigint {
  return (BigInt(Math.floor(ns)) * FREQUENCY) / NS_PER_S;
}

/** The first virtual time, in ns, at which the count is `ticks` or more: rounded up, never early. */
export function nsWhenCounterReaches(ticks: bigint): bigint {
  return (ticks * NS_PER_S + FREQUENCY - 1n) / FREQUENCY;
}

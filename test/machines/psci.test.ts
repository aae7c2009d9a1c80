import { expect } from 'chai';
import { Psci, PsciStatus, PSCI_VERSION_1_1 } from '../../machines/psci.js';
import { FOREVER_NS, guestWith } from '../support/guest.js';

/** Runs `calls` (x0..x1 pairs) through HVC #0 and collects each x0 answer in x10.. onwards. */
function psciGuest(calls: [number, number][], conduit: 'hvc' | 'smc' = 'hvc') {
  const body = calls.map(([fn, a1], i) => `ldr x0, =${fn}\n ldr x1, =${a1}\n ${conduit} #0\n mov x${10 + i}, x0`).join('\n');
  const guest = guestWith(`${body}\n hvc #0xdead`);
  const events: string[] = [];
  const psci = new Psci({ powerOff: (r, status) => events.push(`off: ${r}, status ${status}`), reset: (r) => events.push(`reset: ${r}`) }, conduit);
  guest.vcpu.onHypercall((cpu, call) => psci.handle(cpu, call));
  return { ...guest, events };
}

const answer = (vcpu: { readRegister(n: string): bigint }, i: number) => BigInt.asIntN(64, vcpu.readRegister(`x${10 + i}`));

describe('PSCI', () => {
  it('answers VERSION (1.1), FEATURES, MIGRATE_INFO_TYPE and unknown functions', () => {
    const { vcpu } = psciGuest([
      [0x8400_0000, 0],
      [0x8400_000a, 0x8400_0008],
      [0x8400_000a, 0x8400_0099],
      [0x8400_0006, 0],
      [0x8400_0077, 0],
    ]);
    expect(vcpu.run(FOREVER_NS)).to.deep.include({ kind: 'hypercall' });
    expect([0, 1, 2, 3, 4].map((i) => answer(vcpu, i))).to.deep.equal([
      BigInt(PSCI_VERSION_1_1),
      0n,
      BigInt(PsciStatus.NOT_SUPPORTED),
      2n,
      BigInt(PsciStatus.NOT_SUPPORTED),
    ]);
  });

  it('refuses CPU_ON properly with one CPU: ALREADY_ON for CPU 0, INVALID_PARAMETERS for others', () => {
    const { vcpu } = psciGuest([
      [0xc400_0003, 0],
      [0xc400_0003, 1],
      [0xc400_0004, 0],
    ]);
    vcpu.run(FOREVER_NS);
    expect([0, 1, 2].map((i) => answer(vcpu, i))).to.deep.equal([BigInt(PsciStatus.ALREADY_ON), BigInt(PsciStatus.INVALID_PARAMETERS), 0n]);
  });

  it('powers off and resets through the host with a reason', () => {
    const { vcpu, events } = psciGuest([
      [0x8400_0009, 0],
      [0x8400_0008, 0x103],
    ]);
    vcpu.run(FOREVER_NS);
    expect(events).to.deep.equal(['reset: guest asked for a reset (PSCI SYSTEM_RESET)', 'off: guest powered off (PSCI SYSTEM_OFF), status 3']);
  });

  it('leaves other conduits and immediates alone: they stop the run', () => {
    const { vcpu } = guestWith('ldr x0, =0x84000000\n smc #0');
    const psci = new Psci({ powerOff: () => {}, reset: () => {} }, 'hvc');
    vcpu.onHypercall((cpu, call) => psci.handle(cpu, call));
    expect(vcpu.run(FOREVER_NS)).to.deep.include({ kind: 'hypercall' });
  });
});

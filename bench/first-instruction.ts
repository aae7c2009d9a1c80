// Prints the ms from process start to the first guest instruction: the guest's first instruction is an
// MMIO store, whose handler reads the clock. Spawned fresh by bench/run.ts for the startup figure.
import { HostMemory } from '../src/cpu/host-memory.js';
import { Vcpu } from '../src/cpu/vcpu.js';

const vcpu = new Vcpu({ clock: 'realtime' });
const ram = new HostMemory(0x10_0000);
vcpu.mapMemory(0x4000_0000, ram);
let firstAt = NaN;
vcpu.mapMmio(0x0a00_0000, 0x1000, {
  read: () => 0,
  write: () => {
    firstAt ||= performance.now();
  },
});
// str w0, [x1] ; hvc #0 - with x1 = 0x0a000000
ram.view.setUint32(0, 0xb9000020, true);
ram.view.setUint32(4, 0xd4000002, true);
vcpu.writeRegister('x1', 0x0a00_0000);
vcpu.pc = 0x4000_0000;
vcpu.run(Infinity);
process.stdout.write(`${firstAt}\n`);

import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import { buildVirtDtb } from '../../machines/virt/virt-fdt.js';
import { printDts } from '../../src/fdt/dts-printer.js';
import { resolveConfig } from '../../src/vmm/config.js';
import { qemuVirtArgs, runQemu } from '../../src/testing/qemu.js';
import type { MemoryChardev } from '../../src/chardev/index.js';
import { assemble } from '../support/assemble.js';
import { dtcWarnings } from '../support/dtc.js';
import { POWER_OFF } from '../support/guest.js';
import { at } from '../../src/util/at.js';

/** Top-level nodes of a dts text, by name, with their bodies. */
function topLevelNodes(dts: string): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const m of dts.matchAll(/^\t([^\t\n]+) \{\n([\s\S]*?)^\t\};$/gm)) nodes.set(at(m, 1), at(m, 2));
  return nodes;
}

function qemuVirtDts(ramMiB: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'armvirt-qemu-'));
  try {
    const dtb = join(dir, 'virt.dtb');
    const r = runQemu(qemuVirtArgs({ machineOptions: [`dumpdtb=${dtb}`], memory: `${ramMiB}M` }));
    if (r.status !== 0) throw new Error(`qemu-system-aarch64 failed: ${r.stderr}`);
    return printDts(new Uint8Array(readFileSync(dtb)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('virt machine', () => {
  it("generates a guest DTB that dtc accepts, whose device nodes equal qemu-system-aarch64 -M virt's", function () {
    this.timeout(30_000);
    const vm = new VirtMachine({ ramSize: 128 * 1024 * 1024, platformBusNodeName: 'platform-bus', log: () => {} });
    const dtb = buildVirtDtb(vm, { bootargs: 'console=ttyAMA0' });
    vm.close();
    expect(dtcWarnings(dtb)).to.equal('');
    const ours = topLevelNodes(printDts(dtb));
    const qemu = topLevelNodes(qemuVirtDts(128));
    for (const node of ['psci', 'memory@40000000', 'platform-bus@c000000', 'pl031@9010000', 'pl011@9000000', 'timer', 'apb-pclk']) {
      expect(ours.get(node), node).to.equal(qemu.get(node));
    }
    expect(ours.get('chosen')).to.match(/^\t\tbootargs = "console=ttyAMA0";\n\t\tstdout-path = "\/pl011@9000000";\n\t\trng-seed = <(0x[0-9a-f]+ ?){8}>;\n$/);
  });

  it("gives a guest more than 4 GiB of RAM as one range: the memory node is QEMU's, every bank is reached", async function () {
    this.timeout(30_000);
    const GiB = 2 ** 30;
    const vm = new VirtMachine({ ramSize: 6 * GiB, clock: 'deterministic', log: () => {} });
    try {
      expect(topLevelNodes(printDts(buildVirtDtb(vm, {}))).get('memory@40000000')).to.equal(topLevelNodes(qemuVirtDts(6 * 1024)).get('memory@40000000'));
      // The last word of the first 4 GiB bank, the first of the second, the last of RAM; then read them back.
      vm.ram.write(
        0,
        assemble(`
        ldr x1, =0x13ffffffc
        ldr x2, =0x140000000
        ldr x3, =0x1bffffffc
        ldr w4, =0x11111111
        str w4, [x1]
        ldr w4, =0x22222222
        str w4, [x2]
        ldr w4, =0x33333333
        str w4, [x3]
        ldr w5, [x1]
        ldr w6, [x2]
        ldr w7, [x3]
        ${POWER_OFF}`),
      );
      vm.vcpu.pc = 0x4000_0000;
      expect(await vm.run()).to.deep.include({ kind: 'stopped' });
      expect([5, 6, 7].map((n) => vm.vcpu.readRegister(`x${n}`))).to.deep.equal([0x11111111n, 0x22222222n, 0x33333333n]);
      expect([...vm.ram.read(4 * GiB - 4, 8)]).to.deep.equal([0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22]);
      expect([...vm.ram.read(6 * GiB - 4, 4)]).to.deep.equal([0x33, 0x33, 0x33, 0x33]);
    } finally {
      vm.close();
    }
  });

  it('runs a guest with the most RAM a config may ask for (255G; more is refused up front by the config)', async function () {
    this.timeout(30_000);
    const largest = resolveConfig({ memory: '255G' }, 'vm.json');
    const vm = new VirtMachine({ ramSize: largest.memoryBytes, clock: 'deterministic', log: () => {} });
    try {
      vm.ram.write(0, assemble(POWER_OFF));
      vm.vcpu.pc = 0x4000_0000;
      expect(await vm.run()).to.deep.include({ kind: 'stopped', exitCode: 0 });
    } finally {
      vm.close();
    }
  });

  it('runs a guest that prints on the PL011 and takes a virtual-timer interrupt through the GIC', async () => {
    const logs: string[] = [];
    const vm = new VirtMachine({ ramSize: 16 * 1024 * 1024, clock: 'deterministic', log: (m) => logs.push(m) });
    vm.ram.write(
      0,
      assemble(`
        ldr x9, =0x09000000          // PL011
        mov w1, #0x301
        str w1, [x9, #0x30]          // UARTCR: UARTEN | TXE | RXE
        mov w1, #'h'
        str w1, [x9]
        mov w1, #'i'
        str w1, [x9]
        mov w1, #'\\n'
        str w1, [x9]
        adr x0, vectors
        msr vbar_el1, x0
        ldr x10, =0x08000000         // GICD
        ldr x11, =0x08010000         // GICC
        mov w1, #1
        str w1, [x10]                // GICD_CTLR
        str w1, [x11]                // GICC_CTLR
        mov w1, #0xf0
        str w1, [x11, #4]            // GICC_PMR
        mov w1, #(1 << 27)
        str w1, [x10, #0x100]        // GICD_ISENABLER0: PPI 11 (INTID 27)
        mov x1, #6250                // 100 us at 62.5 MHz
        msr cntv_tval_el0, x1
        mov x1, #1
        msr cntv_ctl_el0, x1
        msr daifclr, #2
      wait:
        wfi
        cbz x5, wait
        ${POWER_OFF}
      irq_handler:
        ldr w6, [x11, #0xc]          // GICC_IAR
        msr cntv_ctl_el0, xzr        // the timer's line falls
        str w6, [x11, #0x10]         // GICC_EOIR
        mov w1, #'t'
        str w1, [x9]
        mov w1, #'\\n'
        str w1, [x9]
        add x5, x5, #1
        eret
        .balign 2048
      vectors:
        .skip 0x280
        b irq_handler`),
    );
    vm.vcpu.pc = 0x4000_0000;
    const exit = await vm.run({ untilNs: 1e9 });
    expect(exit).to.deep.equal({ kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 });
    expect((vm.uart.chardev as MemoryChardev).lines).to.deep.equal(['hi', 't']);
    expect(vm.vcpu.readRegister('x6')).to.equal(27n);
    expect(vm.loop.now()).to.be.within(100_000, 120_000);
    expect(logs).to.deep.equal([]);
    vm.close();
  });

  it('ends the run when a device asks for a reset (exit code 3, as PSCI SYSTEM_RESET) or a power-off (0)', async () => {
    for (const [request, exitCode] of [
      ['requestReset', 3],
      ['requestPowerOff', 0],
    ] as const) {
      const vm = new VirtMachine({ clock: 'deterministic', log: () => {} });
      try {
        vm.ram.write(0, assemble('b .'));
        vm.vcpu.pc = 0x4000_0000;
        vm.loop.timers.create('device', () => vm.uart.context[request]('asked by a device')).arm(1e6);
        expect(await vm.run({ untilNs: 1e9 })).to.deep.equal({ kind: 'stopped', reason: 'asked by a device', exitCode });
        expect(vm.loop.now()).to.be.within(1e6, 1.1e6);
      } finally {
        vm.close();
      }
    }
  });

  it("passes the console's power-down key (Ctrl-A P) to the devices listening for a power-down request", () => {
    const vm = new VirtMachine({ log: () => {} });
    try {
      let presses = 0;
      vm.uart.context.onPowerDownRequest(() => presses++);
      vm.uart.chardev.onPowerDown?.();
      vm.requestPowerDown();
      expect(presses).to.equal(2);
    } finally {
      vm.close();
    }
  });
});

// virt_vfio.elf (firmware/tests/virt_vfio.c) on the virt machine with the fake VFIO host's test device passed
// through: the guest finds the device in its device tree, drives both regions, both IRQs and the DMA engine,
// and prints what it observed. Each IRQ path and region option has its own expected output.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VfioPlatform } from '../../devices/vfio-platform/vfio-platform.js';
import { cast } from '../../src/qom/types.js';
import { bootVirt } from '../../machines/virt/boot.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import type { MemoryChardev } from '../../src/chardev/index.js';
import { firmwarePath } from '../../src/firmware-path.js';
import { FakeVfioHost } from '../../src/vfio/fake/index.js';
import { dtcCompile } from '../support/dtc.js';
import { at } from '../../src/util/at.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HOST = 'machines/hosts/test-device.json';
const DEVICE = 'vfio-platform,host=a0000000.vfio-test';

const BEFORE_IRQS = `virt_vfio: start
dt: found vfio-test@0 (armvirt,vfio-test-device)
dt: reg 0 0xc000000 size 0x1000
dt: reg 1 0xc001000 size 0x100
dt: irq 0 spi 112 level -> intid 144
dt: irq 1 spi 113 edge -> intid 145
id 0x56464954 version 0x10000
scratch: 4 words written, 4 read back equal
level irq: handled 1, spurious 0, status after ack 0x0
edge irq: handled 1, spurious 0, status after ack 0x0
`;
const AFTER_IRQS = `dma: ram -> device status 0x1 (done), 256/256 bytes in the device buffer
dma: device -> ram status 0x1 (done), 256/256 bytes equal
dma: from unmapped iova 0x10000000 status 0x2 (fault), fault iova 0x10000000
virt_vfio: done
`;
/** Resample path: both SPIs reach the GIC at once; it takes the lower INTID first (equal priorities). */
const CONCURRENT = `both irqs: pending in the GIC before handling: 144 145
both irqs: handled in order: 144 (status after ack 0x2) 145 (status after ack 0x0), spurious 0
`;
/**
 * User-side path: one IRQ active at a time. The device signals the edge IRQ before the level one, so the
 * edge is injected and the level waits PENDING in the VMM until the edge handler's first trapped access.
 */
const ONE_AT_A_TIME = `both irqs: pending in the GIC before handling: 145
both irqs: handled in order: 145 (status after ack 0x1) 144 (status after ack 0x0), spurious 0
`;
const DMA_FAULT_LOG = 'a0000000.vfio-test: DMA read of 16 bytes at iova 0x10000000 faults at 0x10000000: no mapping';

interface Mode {
  options: string;
  output: string;
  path: 'resample' | 'eventfd';
  /**
   * Region 0 reached through its mapping when the guest prints its ID line, its last line, and after the
   * powered-off guest has idled 2 s more of virtual time (past the 1100 ms mmap timer).
   */
  fastPath: { atId: boolean; atDone: boolean; later: boolean };
}

const MODES: Mode[] = [
  { options: '', output: BEFORE_IRQS + CONCURRENT + AFTER_IRQS, path: 'resample', fastPath: { atId: true, atDone: true, later: true } },
  // The first injection drops to the slow path; the mmap timer brings the mapping back 1100 ms later.
  { options: ',x-irqfd=off', output: BEFORE_IRQS + ONE_AT_A_TIME + AFTER_IRQS, path: 'eventfd', fastPath: { atId: true, atDone: false, later: true } },
  { options: ',x-no-mmap=on', output: BEFORE_IRQS + CONCURRENT + AFTER_IRQS, path: 'resample', fastPath: { atId: false, atDone: false, later: false } },
  // mmap-timeout-ms=0: the timer is never armed, the slow path stays.
  {
    options: ',x-irqfd=off,mmap-timeout-ms=0',
    output: BEFORE_IRQS + ONE_AT_A_TIME + AFTER_IRQS,
    path: 'eventfd',
    fastPath: { atId: true, atDone: false, later: false },
  },
];

describe('virt_vfio.elf: a passthrough device driven by guest firmware', function () {
  this.timeout(30_000);

  for (const mode of MODES) {
    it(`-device ${DEVICE}${mode.options}: ${mode.path} IRQ path, region 0 ${mode.fastPath.atId ? 'mapped' : 'trapped'} at first`, async () => {
      const hostLog: string[] = [];
      const vm = new VirtMachine({
        vfio: FakeVfioHost.load(`${root}${HOST}`, { log: (m) => hostLog.push(m) }),
        clock: 'deterministic',
        serial: 'memory',
        log: () => {},
      });
      try {
        const device = cast(vm.addDynamicDevice(DEVICE + mode.options), VfioPlatform);
        expect(device.vfioIrqs!.intps.map((intp) => intp.path)).to.deep.equal([mode.path, mode.path]);
        const uart = vm.uart.chardev as MemoryChardev;
        const fastPath: Record<string, boolean> = {};
        uart.onLine = (line) => {
          if (line.startsWith('id ')) fastPath.atId = at(device.vfioRegions, 0).fastPathEnabled;
          if (line === 'virt_vfio: done') fastPath.atDone = at(device.vfioRegions, 0).fastPathEnabled;
        };
        bootVirt(vm, { kernel: firmwarePath('virt_vfio') });
        const exit = await vm.run({ untilNs: 5e9 });
        expect(uart.output).to.equal(mode.output);
        expect(exit).to.deep.equal({ kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 });
        expect(await vm.run({ untilNs: vm.loop.now() + 2e9 })).to.deep.equal({ kind: 'time-limit' });
        fastPath.later = at(device.vfioRegions, 0).fastPathEnabled;
        expect(fastPath).to.deep.equal(mode.fastPath);
        expect(at(device.vfioRegions, 1).hasFastPath, 'region 1 (0x100 bytes) is never mapped').to.equal(false);
        expect(hostLog).to.deep.equal([DMA_FAULT_LOG]);
      } finally {
        vm.close();
      }
    });
  }

  it('finds the device behind nested buses with their own ranges and two-cell addresses (a user DTB)', async () => {
    // The same device, described the way a SoC tree might: soc maps its 0 to 0x08000000, bus@4000000 maps
    // child address <1 0> to soc's 0x04000000, so the regions still land at 0x0c000000 and 0x0c001000.
    // A decoy whose compatible only starts with the same text comes first; the interrupt parent is found by
    // phandle from the root's interrupt-parent.
    const dts = `/dts-v1/;
/ {
  #address-cells = <2>; #size-cells = <2>; interrupt-parent = <&gic>;
  gic: intc@8000000 { compatible = "arm,cortex-a15-gic"; interrupt-controller; #interrupt-cells = <3>;
    reg = <0 0x8000000 0 0x10000 0 0x8010000 0 0x10000>; };
  chosen { };
  soc { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges = <0x0 0x0 0x8000000 0x8000000>;
    decoy@0 { compatible = "armvirt,vfio-test-device-v2"; reg = <0x0 0x100>; };
    bus@4000000 { compatible = "simple-bus"; #address-cells = <2>; #size-cells = <1>; ranges = <0x1 0x0 0x4000000 0x100000>;
      vfio-test@1,0 { compatible = "vendor,other", "armvirt,vfio-test-device";
        reg = <0x1 0x0 0x1000>, <0x1 0x1000 0x100>; interrupts = <0 112 4>, <0 113 1>; };
    };
  };
};`;
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-vfio-dtb-'));
    const vm = new VirtMachine({ vfio: FakeVfioHost.load(`${root}${HOST}`, { log: () => {} }), clock: 'deterministic', serial: 'memory', log: () => {} });
    try {
      writeFileSync(join(dir, 'soc.dtb'), dtcCompile(dts));
      vm.addDynamicDevice(DEVICE);
      bootVirt(vm, { kernel: firmwarePath('virt_vfio'), dtb: join(dir, 'soc.dtb') });
      await vm.run({ untilNs: 5e9 });
      expect((vm.uart.chardev as MemoryChardev).output).to.equal(at(MODES, 0).output.replace('found vfio-test@0', 'found vfio-test@1,0'));
    } finally {
      vm.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the same on the real-time clock, with a console as slow as a terminal: no guest access runs twice', async () => {
    // In real-time mode the slice's deadline often passes inside an MMIO callback (here the 50 us console
    // write). A stop that landed there would make Unicorn re-execute that block's accesses on resume: doubled
    // UART characters, a second GICC_IAR read that returns 1023 and leaves the interrupt active. The deadline
    // thread only asks the block hook to stop at the next block (native/src/deadline_timer.h); this holds it to that.
    const vm = new VirtMachine({ vfio: FakeVfioHost.load(`${root}${HOST}`, { log: () => {} }), clock: 'realtime', serial: 'memory', log: () => {} });
    try {
      vm.addDynamicDevice(DEVICE);
      const uart = vm.uart.chardev as MemoryChardev;
      const write = uart.write.bind(uart);
      uart.write = (bytes) => {
        for (const t0 = performance.now(); performance.now() - t0 < 0.05;);
        write(bytes);
      };
      bootVirt(vm, { kernel: firmwarePath('virt_vfio') });
      await vm.run({ untilNs: 5e9 });
      expect(uart.output).to.equal(at(MODES, 0).output);
    } finally {
      vm.close();
    }
  });

  it('runs through the launcher with the documented command line: same output, exit code 0', () => {
    const r = spawnSync(
      process.execPath,
      [
        'dist/src/cli/armvirt.js',
        '-M',
        'virt',
        '-m',
        '128M',
        '-nographic',
        '-kernel',
        'firmware/build/virt_vfio.elf',
        '--vfio-host',
        `fake:${HOST}`,
        '-device',
        DEVICE,
        '--clock',
        'deterministic',
      ],
      { cwd: root, encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.stdout).to.equal(at(MODES, 0).output);
    expect(r.stderr).to.equal(`armvirt: fake vfio host: ${DMA_FAULT_LOG}\narmvirt: guest powered off (PSCI SYSTEM_OFF), exit code 0\n`);
    expect(r.status).to.equal(0);
  });
});

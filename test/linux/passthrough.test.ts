import { expect } from 'chai';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatInfoVfio } from '../../devices/vfio-platform/info-vfio.js';
import { FakeVfioHost, Pl011HostModel, TestDeviceModel } from '../../src/vfio/fake/index.js';
import { PROMPT, runLinux } from '../support/linux-guest.js';

const HOSTS = fileURLToPath(new URL('../../../machines/hosts/', import.meta.url));
const POWER_OFF = { after: PROMPT, type: 'poweroff\n' };
const POWERED_OFF = { kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 };

function fakeHost(file: string, log: string[]): FakeVfioHost {
  return FakeVfioHost.load(join(HOSTS, file), { log: (m) => log.push(m) });
}

describe('Linux with passed-through devices (the fake VFIO host, deterministic)', function () {
  this.timeout(300_000);

  it("guest userspace reads and writes the test device's registers through the fast path with devmem on /dev/mem", async () => {
    const hostLog: string[] = [];
    const host = fakeHost('test-device.json', hostLog);
    const model = host.model('a0000000.vfio-test', TestDeviceModel);
    let info = '';
    let scratch1 = 0;
    const run = await runLinux({
      append: 'armvirt.init=shell',
      vfio: host,
      devices: ['vfio-platform,host=a0000000.vfio-test'],
      session: [
        {
          after: PROMPT,
          run: () => model.write(0, 0x10, 4, 0x1234_5678), // SCRATCH0, as the hardware holds it
          type: 'for r in 0 4 10; do devmem 0x0c0000$(printf %02x 0x$r) 32; done; devmem 0x0c000014 32 0xcafef00d\n',
        },
        {
          after: PROMPT,
          run: (vm) => {
            info = formatInfoVfio(vm.tree.root);
            scratch1 = model.read(0, 0x14, 4); // before power-off: closing the device resets it
          },
          type: 'poweroff\n',
        },
      ],
    });
    expect(run.exit, run.console.slice(-800)).to.deep.equal(POWERED_OFF);
    expect(run.console).to.match(/\r\n0x56464954\r\n0x00010000\r\n0x12345678\r\n/);
    expect(scratch1).to.equal(0xcafe_f00d);
    expect(info).to.include('region 0: 0x1000 bytes at 0xc000000, fast path');
  });

  for (const irqPath of ['resample', 'x-irqfd=off'] as const) {
    it(`Linux's amba-pl011 owns a passed-through PL011 as ttyAMA1: bytes both ways, RX by interrupt (${irqPath})`, async () => {
      const hostLog: string[] = [];
      const host = fakeHost('pl011.json', hostLog);
      const uart = host.model('1c0a0800.serial', Pl011HostModel);
      const run = await runLinux({
        append: 'armvirt.init=shell',
        vfio: host,
        devices: [`vfio-platform,host=1c0a0800.serial${irqPath === 'x-irqfd=off' ? ',x-irqfd=off' : ''}`],
        session: [
          { after: PROMPT, type: 'exec 3<>/dev/ttyAMA1; stty -echo -onlcr <&3; echo hello from the guest >&3; echo $((40 + 2))-ready\n' },
          { after: '42-ready', run: () => uart.receive(Buffer.from('ping from the host\n')), type: 'read -r line <&3; echo "got: $line"\n' },
          POWER_OFF,
        ],
      });
      expect(run.exit, run.console.slice(-800)).to.deep.equal(POWERED_OFF);
      expect(run.console).to.match(/c000000\.serial: ttyAMA1 at MMIO 0xc000000 \(irq = \d+, base_baud = 0\) is a PL011 rev1/);
      expect(run.console).to.include('9000000.pl011: ttyAMA0');
      expect(run.console).to.include('got: ping from the host\r\n');
      expect(uart.transmittedText).to.equal('hello from the guest\n');
      expect(hostLog).to.include('1c0a0800.serial: the guest sent "hello from the guest\\n"');
    });
  }

  it("Debian's amd-xgbe module probes the passed-through AMD XGBE and registers its netdev with the host's MAC address", async () => {
    const host = fakeHost('amd-xgbe.json', []);
    const run = await runLinux({
      append: 'armvirt.init=shell',
      vfio: host,
      devices: ['vfio-amd-xgbe,host=e0900000.xgmac'],
      session: [{ after: PROMPT, type: 'modprobe amd-xgbe && cat /sys/class/net/eth0/address\n' }, POWER_OFF],
    });
    expect(run.exit, run.console.slice(-800)).to.deep.equal(POWERED_OFF);
    expect(run.console).to.match(/amd-xgbe c000000\.xgmac eth0: net device enabled\r\n/);
    expect(run.console).to.include('\r\n02:b1:b2:b3:b4:b5\r\n');
  });
});

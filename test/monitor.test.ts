import { expect } from 'chai';
import '../devices/pl031.js';
import { formatQtree } from '../src/monitor/qtree.js';
import { DeviceHarness } from '../src/testing/device-harness.js';
import { deviceHelp } from '../src/qom/index.js';

describe('monitor views', () => {
  it('info qtree lists objects with their types, properties, MMIO placement and IRQ wiring', () => {
    const t = DeviceHarness.create('pl031', { mmioAt: [0x0901_0000] });
    expect(formatQtree(t.device.root)).to.equal(
      '/ (container)\n' +
        '  /machine (container)\n' +
        '    /machine/device-under-test (pl031)\n' +
        '      start-time = 0\n' +
        "      mmio[0] 0x0000000009010000-0x0000000009010fff 'pl031'\n" +
        '      irq[0] wired, low\n',
    );
  });

  it('-device help lists the user-creatable device types; -device TYPE,help their properties', () => {
    expect(deviceHelp('help')).to.match(/\n {2}pl031 +Arm PL031 real-time clock\n/);
    expect(deviceHelp('pl031,help')).to.equal('pl031 options:\n  start-time=<uint64>  - Counter value at reset, in seconds since the epoch (default: 0)');
  });
});

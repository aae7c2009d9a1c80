// Guest trees with one passed-through device per binding: a virt-like root, the platform bus with the
// device's node, and the fixed clocks rebuilt at the root. The host trees are in
// test/devices/vfio-platform/dt/host-fixtures.ts; phandles start at 0x8003 as in QEMU's virt.
import { printDts } from '../../src/fdt/dts-printer.js';
import { matchGolden } from '../support/golden.js';
import { guestTree, type TestDevice } from '../devices/vfio-platform/dt/guest-tree.js';
import { calxedaDevice, sdhciDevice, xgbeDevice } from '../devices/vfio-platform/dt/host-fixtures.js';

const dts = (device: TestDevice): string => printDts(guestTree([device], { firstPhandle: 0x8003 }).dtb);

describe('golden guest device trees: vfio-platform bindings', () => {
  it('vfio-calxeda-xgmac (Calxeda Midway xgmac: host ethernet@fff51000, 3 IRQs)', () => {
    matchGolden('vfio-calxeda-xgmac.dts', dts(calxedaDevice()));
  });

  it('vfio-platform on amd,xgbe-seattle-v1a (AMD Seattle xgmac@e0700000 with its two fixed clocks)', () => {
    matchGolden('vfio-amd-xgbe.dts', dts(xgbeDevice()));
  });

  it('vfio-platform, generic binding (ZynqMP mmc@ff170000 with a fixed clock, default rules)', () => {
    matchGolden('vfio-generic.dts', dts(sdhciDevice()));
  });
});

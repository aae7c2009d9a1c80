import { expect } from 'chai';
import { getCells, walk } from '../../../../src/fdt/fdt-query.js';
import { DeviceError } from '../../../../src/qom/device-error.js';
import { findVfioDtBinding, type VfioDtDevice } from '../../../../devices/vfio-platform/dt/index.js';
import { dtcWarnings } from '../../../support/dtc.js';
import { expectError } from '../../../fdt/expect-error.js';
import { calxedaDevice, sdhciDevice, xgbeDevice, XGBE_PATH } from './host-fixtures.js';
import { guestTree, hostTree, cells, str, type TestDevice } from './guest-tree.js';
import { at } from '../../../../src/util/at.js';

function bindingFor(typeName: string, compatible: string[]): string | undefined {
  const node = hostTree({});
  const device: VfioDtDevice = { typeName, compatible, hostNode: node, hostPath: '/x', hostRoot: node, regions: [], irqs: [] };
  return findVfioDtBinding(device)?.name;
}

function errorOf(fn: () => unknown): DeviceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DeviceError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('vfio-platform DT: binding table', () => {
  it('matches QOM types exactly, then vfio-platform by any host compatible, then the generic binding', () => {
    expect(bindingFor('vfio-calxeda-xgmac', ['calxeda,hb-xgmac'])).to.equal('calxeda-xgmac');
    expect(bindingFor('vfio-amd-xgbe', ['amd,xgbe-seattle-v1a'])).to.equal('amd-xgbe');
    expect(bindingFor('vfio-platform', ['vendor,board-xgbe', 'amd,xgbe-seattle-v1a'])).to.equal('amd-xgbe');
    // QEMU serves calxeda by its QOM type only.
    expect(bindingFor('vfio-platform', ['calxeda,hb-xgmac'])).to.equal('generic');
    expect(bindingFor('vfio-platform', ['arasan,sdhci-8.9a'])).to.equal('generic');
    expect(bindingFor('vfio-platform-subtype', ['arasan,sdhci-8.9a'])).to.equal(undefined);
  });

  it("refuses a type no binding serves with QEMU's message", () => {
    const device = sdhciDevice();
    device.typeName = 'vfio-platform-subtype';
    expectError(() => guestTree([device]), 'Device vfio-platform-subtype can not be dynamically instantiated');
  });

  it("refuses a compatible the policy denies with QEMU's message, whichever of the device's compatibles it names", () => {
    const error = errorOf(() => guestTree([sdhciDevice()], { policy: { 'arasan,sdhci-8.9a': { action: 'deny' } } }));
    expect(error.message).to.equal('Device vfio-platform can not be dynamically instantiated');
    expect(error.hint).to.contain('denies compatible "arasan,sdhci-8.9a"');
    expectError(
      () => guestTree([xgbeDevice()], { policy: { 'amd,xgbe-seattle-v1a': { action: 'deny' } } }),
      'Device vfio-platform can not be dynamically instantiated',
    );
  });

  it("takes the policy of the device's first compatible that has one", () => {
    const policy = { 'xlnx,zynqmp-8.9a': { action: 'allow' }, 'arasan,sdhci-8.9a': { action: 'deny' } } as const;
    expect(guestTree([sdhciDevice()], { policy }).nodes).to.have.length(1);
  });

  it('reads a host compatible named like an Object.prototype member as a plain name, not as a policy', () => {
    const device = sdhciDevice((props) => (props.compatible = str('constructor', 'arasan,sdhci-8.9a')));
    expectError(() => guestTree([device], { policy: { 'arasan,sdhci-8.9a': { action: 'deny' } } }), 'Device vfio-platform can not be dynamically instantiated');
  });

  it('warns that property rules are unused by a binding with a fixed property list', () => {
    const { warnings, nodes } = guestTree([xgbeDevice()], { policy: { 'amd,xgbe-seattle-v1a': { action: 'allow', properties: { 'phy-mode': 'ignore' } } } });
    expect(at(nodes, 0).properties.has('phy-mode')).to.equal(true);
    expect(warnings).to.deep.equal([
      `${XGBE_PATH}: property rules for compatible "amd,xgbe-seattle-v1a" are not used: the amd-xgbe binding writes a fixed set of properties`,
    ]);
  });

  it('writes a whole guest tree with all three bindings that dtc takes without a warning', () => {
    const { dtb, nodes, root } = guestTree([calxedaDevice(), xgbeDevice(), sdhciDevice()]);
    expect(dtcWarnings(dtb)).to.equal('');
    // xgbe's 512 KiB regions go at 0x80000 and 0x100000 and its small ones fill 0x1000..0x1463 (first fit).
    expect(nodes.map((n) => n.name)).to.deep.equal(['ethernet@0', 'xgmac@80000', 'mmc@2000']);
    // A simple-bus child's unit address is its first reg address.
    for (const node of nodes) expect(node.name.split('@')[1]).to.equal(getCells(node, 'reg')![0]!.toString(16));
    expect(root.children.map((n) => n.name)).to.include.members(['clk250mhz_4', 'clk250mhz_5', 'clk200']);
    const phandles = [...walk(root)].flatMap((n) => getCells(n, 'phandle') ?? []);
    expect(new Set(phandles).size).to.equal(phandles.length);
  });

  it('gives devices sharing a host fixed clock one guest clock node', () => {
    const { nodes, root } = guestTree([xgbeDevice(), xgbeDevice()], { firstPhandle: 0x8003 });
    expect(nodes.map((n) => getCells(n, 'clocks'))).to.deep.equal([
      [0x8003, 0x8004],
      [0x8003, 0x8004],
    ]);
    expect(root.children.filter((n) => n.name.startsWith('clk250mhz'))).to.have.length(2);
  });

  it('refuses two different host clocks that would share a guest node name', () => {
    const other: TestDevice = sdhciDevice((p) => (p.clocks = cells(0x40)), {
      elsewhere: { children: { clk200: { props: { compatible: str('fixed-clock'), '#clock-cells': cells(0), phandle: cells(0x40) } } } },
    });
    expectError(() => guestTree([sdhciDevice(), other]), "host nodes /clk200 and /elsewhere/clk200 would both be the guest's /clk200");
  });
});

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printDts } from '../../../../src/fdt/dts-printer.js';
import { findByPhandle, findNode, getCells, getStringList, getU32, walk } from '../../../../src/fdt/fdt-query.js';
import { readDtDirectory } from '../../../../src/fdt/sysfs-dt.js';
import { dtcWarnings } from '../../../support/dtc.js';
import { expectError } from '../../../fdt/expect-error.js';
import { XGBE_DMA_CLK, XGBE_PATH, XGBE_PTP_CLK, xgbeDevice } from './host-fixtures.js';
import { cells, guestNodeOf, guestTree, str, writeDtDirectory } from './guest-tree.js';

const COPIED = [
  'compatible',
  'dma-coherent',
  'amd,per-channel-interrupt',
  'phy-mode',
  'mac-address',
  'amd,speed-set',
  'amd,serdes-blwc',
  'amd,serdes-cdr-rate',
  'amd,serdes-pq-skew',
  'amd,serdes-tx-amp',
  'amd,serdes-dfe-tap-config',
  'amd,serdes-dfe-tap-enable',
  'clock-names',
];

describe('vfio-platform DT: amd xgbe binding', () => {
  it("copies QEMU's list of host properties byte for byte, in libfdt's order, and no others", () => {
    const device = xgbeDevice();
    const host = findNode(device.hostRoot, XGBE_PATH)!;
    const { node, dtb } = guestNodeOf(device);
    expect(node.name).to.equal('xgmac@0');
    expect([...node.properties.keys()]).to.deep.equal(['interrupts', 'reg', 'clocks', ...[...COPIED].reverse()]);
    for (const name of COPIED) expect(node.properties.get(name), name).to.deep.equal(host.properties.get(name));
    // #stream-id-cells describes the host SMMU: not copied, as in QEMU.
    expect(node.properties.has('#stream-id-cells')).to.equal(false);
    expect(dtcWarnings(dtb)).to.equal('');
  });

  it('writes the five regions bus-relative and each IRQ level if automasked, else edge', () => {
    const { node } = guestNodeOf(xgbeDevice());
    expect(getCells(node, 'reg')).to.deep.equal([0, 0x80000, 0x80000, 0x80000, 0x100000, 0x400, 0x100400, 0x60, 0x100460, 0x4]);
    expect(getCells(node, 'interrupts')).to.deep.equal([0, 112, 4, 0, 113, 1, 0, 114, 1, 0, 115, 1, 0, 116, 1, 0, 117, 4]);
  });

  it('rebuilds both host fixed clocks at the guest root with fresh phandles', () => {
    const { node, root } = guestNodeOf(xgbeDevice(), { firstPhandle: 0x8003 });
    expect(getCells(node, 'clocks')).to.deep.equal([0x8003, 0x8004]);
    const dma = findByPhandle(root, 0x8003)!;
    const ptp = findByPhandle(root, 0x8004)!;
    expect([dma.path, ptp.path]).to.deep.equal(['/clk250mhz_4', '/clk250mhz_5']);
    expect([...dma.properties.keys()]).to.deep.equal(['phandle', 'clock-output-names', 'clock-frequency', '#clock-cells', 'compatible']);
    expect(getStringList(ptp, 'clock-output-names')).to.deep.equal(['xgmacclk0_ptp_250mhz']);
    expect(getU32(dma, 'clock-frequency')).to.equal(250_000_000);
    // The host's phandles mean nothing in the guest.
    for (const n of walk(root)) expect(getU32(n, 'phandle'), n.path).to.not.be.oneOf([XGBE_DMA_CLK, XGBE_PTP_CLK]);
  });

  it('skips optional properties the host lacks', () => {
    const optional = ['dma-coherent', 'amd,per-channel-interrupt', 'mac-address', 'amd,serdes-blwc', 'amd,serdes-tx-amp'];
    const { node, warnings } = guestNodeOf(xgbeDevice((p) => optional.forEach((name) => delete p[name])));
    for (const name of optional) expect(node.properties.has(name), name).to.equal(false);
    expect(node.properties.has('phy-mode')).to.equal(true);
    expect(warnings).to.deep.equal([]);
  });

  for (const name of ['compatible', 'phy-mode', 'amd,speed-set', 'clock-names', 'clocks']) {
    it(`fails with qemu_fdt_getprop's message when mandatory ${name} is missing`, () => {
      expectError(() => guestTree([xgbeDevice((p) => delete p[name])]), `Couldn't get ${XGBE_PATH}/${name}: FDT_ERR_NOTFOUND`);
    });
  }

  it('fails when a fixed clock lacks a mandatory property, naming the host clock', () => {
    const device = xgbeDevice();
    findNode(device.hostRoot, '/clk250mhz_5')!.properties.delete('#clock-cells');
    expectError(() => guestTree([device]), "Couldn't get /clk250mhz_5/#clock-cells: FDT_ERR_NOTFOUND");
  });

  it('requires exactly two clock handles, both resolving to fixed clocks', () => {
    expectError(() => guestTree([xgbeDevice((p) => (p.clocks = cells(XGBE_DMA_CLK)))]), `${XGBE_PATH}: clocks property should contain 2 handles`);
    expectError(
      () => guestTree([xgbeDevice((p) => (p.clocks = cells(XGBE_DMA_CLK, 0x99)))]),
      `${XGBE_PATH}: not able to locate clock handle 153 in host device tree`,
    );
    const device = xgbeDevice();
    findNode(device.hostRoot, '/clk250mhz_4')!.properties.set('compatible', str('fixed-factor-clock', 'fixed-clock'));
    expectError(() => guestTree([device]), `${XGBE_PATH}: clock handle 16 is not a fixed clock (/clk250mhz_4)`);
  });

  it('requires the combined XGBE/PHY node with five regions', () => {
    const device = xgbeDevice();
    device.regionSizes = [0x80000, 0x80000];
    expectError(() => guestTree([device]), `${XGBE_PATH}: Does the host dt node combine XGBE/PHY? (5 regions expected, it has 2)`);
  });

  it('gives the same tree from a sysfs-shaped host tree read with readDtDirectory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-vfio-dt-'));
    try {
      const inMemory = xgbeDevice();
      const base = join(dir, 'sys/firmware/devicetree/base');
      writeDtDirectory(inMemory.hostRoot, base);
      const fromSysfs = {
        ...inMemory,
        hostRoot: readDtDirectory(base),
        hostNode: readDtDirectory(join(base, 'smb/xgmac@e0700000'), { nodePath: XGBE_PATH }),
      };
      expect(printDts(guestTree([fromSysfs]).dtb)).to.equal(printDts(guestTree([inMemory]).dtb));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

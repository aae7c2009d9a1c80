import { expect } from 'chai';
import { DeviceError } from '../../../../src/qom/device-error.js';
import { findByPhandle, findNode, getCells, getU32 } from '../../../../src/fdt/fdt-query.js';
import { dtcWarnings } from '../../../support/dtc.js';
import { expectError } from '../../../fdt/expect-error.js';
import { CLK200, SDHCI_PATH, ZYNQMP_CLK, sdhciDevice } from './host-fixtures.js';
import { cells, empty, guestNodeOf, guestTree, str } from './guest-tree.js';
import type { VfioDtPolicy } from '../../../../devices/vfio-platform/dt/index.js';

describe('vfio-platform DT: generic binding', () => {
  it('copies the properties known to hold no phandle, byte for byte', () => {
    const device = sdhciDevice((p) => {
      p['reg-names'] = str('base');
      p['interrupt-names'] = str('int');
      p['#dma-cells'] = cells(1);
      p['dma-coherent'] = empty();
    });
    const host = findNode(device.hostRoot, SDHCI_PATH)!;
    const { node, dtb, warnings } = guestNodeOf(device);
    expect(node.name).to.equal('mmc@0');
    for (const name of ['compatible', 'status', 'reg-names', 'interrupt-names', 'clock-names', '#clock-cells', '#dma-cells', 'dma-coherent']) {
      expect(node.properties.get(name), name).to.deep.equal(host.properties.get(name));
    }
    expect(warnings).to.deep.equal([]);
    expect(dtcWarnings(dtb)).to.equal('');
  });

  it('rewrites reg and interrupts for the bus and drops what the host keeps or the guest renumbers, silently', () => {
    const device = sdhciDevice((p) => {
      p['linux,phandle'] = cells(0x30);
      p.resets = cells(0x7, 0x2f);
      p['reset-names'] = str('sdio');
      p['power-domain-names'] = str('pd');
      p['interrupts-extended'] = cells(0x1, 0, 49, 4);
    });
    const { node, warnings } = guestNodeOf(device);
    for (const name of [
      'phandle',
      'linux,phandle',
      'iommus',
      'power-domains',
      'power-domain-names',
      'resets',
      'reset-names',
      'pinctrl-0',
      'pinctrl-names',
      'interrupt-parent',
      'interrupts-extended',
    ]) {
      expect(node.properties.has(name), name).to.equal(false);
    }
    expect(getCells(node, 'reg')).to.deep.equal([0, 0x1000]);
    expect(getCells(node, 'interrupts')).to.deep.equal([0, 112, 4]);
    expect(warnings).to.deep.equal([]);
  });

  it('writes an edge IRQ as rising edge', () => {
    const device = sdhciDevice();
    device.irqLevels = [false];
    expect(getCells(guestNodeOf(device).node, 'interrupts')).to.deep.equal([0, 112, 1]);
  });

  it('drops dmas, gpio-ranges, phys and assigned clocks with a warning for each', () => {
    const device = sdhciDevice((p) => {
      p.dmas = cells(0x9, 1);
      p['gpio-ranges'] = cells(0x6, 0, 0, 16);
      p.phys = cells(0xa);
      p['assigned-clocks'] = cells(ZYNQMP_CLK, 51);
      p['assigned-clock-rates'] = cells(200_000_000);
    });
    const { node, warnings } = guestNodeOf(device);
    for (const name of ['dmas', 'gpio-ranges', 'phys', 'assigned-clocks', 'assigned-clock-rates']) expect(node.properties.has(name), name).to.equal(false);
    expect(warnings).to.deep.equal([
      `${SDHCI_PATH}: Ignoring dmas property (no support for external DMACs yet)`,
      `${SDHCI_PATH}: Ignoring gpio-ranges property (no support for pinctrl yet)`,
      `${SDHCI_PATH}: Ignoring phys property (the guest has no PHY provider)`,
      `${SDHCI_PATH}: Ignoring assigned-clocks property (clock rates and parents are the host's to set)`,
      `${SDHCI_PATH}: Ignoring assigned-clock-rates property (clock rates and parents are the host's to set)`,
    ]);
  });

  it('rebuilds host fixed clocks as one guest node per host clock, with a fresh phandle', () => {
    const { node, root } = guestNodeOf(sdhciDevice(), { firstPhandle: 0x8003 });
    expect(getCells(node, 'clocks')).to.deep.equal([0x8003, 0x8003]);
    const clock = findByPhandle(root, 0x8003)!;
    expect(clock.path).to.equal('/clk200');
    expect(getU32(clock, 'clock-frequency')).to.equal(200_000_000);
    expect(findByPhandle(root, CLK200)).to.equal(undefined);
  });

  it('drops clocks with a warning naming the providers that are not fixed clocks, keeping no clock node', () => {
    const { node, root, warnings } = guestNodeOf(sdhciDevice((p) => (p.clocks = cells(CLK200, ZYNQMP_CLK, 54))));
    expect(node.properties.has('clocks')).to.equal(false);
    expect(node.properties.has('clock-names')).to.equal(true);
    expect(findNode(root, '/clk200')).to.equal(undefined);
    expect(warnings).to.deep.equal([`${SDHCI_PATH}: Ignoring clocks property (not fixed clocks, which the guest has no provider for: /zynqmp-clk)`]);
  });

  it('drops clocks it cannot split into specifiers, saying why', () => {
    const missing = guestNodeOf(sdhciDevice((p) => (p.clocks = cells(0x77))));
    expect(missing.warnings).to.deep.equal([
      `${SDHCI_PATH}: Ignoring clocks property (not fixed clocks, which the guest has no provider for: clock handle 119 (not in the host device tree))`,
    ]);
    const device = sdhciDevice();
    findNode(device.hostRoot, '/clk200')!.properties.delete('#clock-cells');
    expect(guestNodeOf(device).warnings).to.deep.equal([
      `${SDHCI_PATH}: Ignoring clocks property (not fixed clocks, which the guest has no provider for: /clk200 (no #clock-cells))`,
    ]);
  });

  it('copies flags, strings, byte data and known plain-data properties of any name', () => {
    const props = {
      'xlnx,has-cd': empty(),
      'xlnx,device-name': str('sd1'),
      'local-mac-address': new Uint8Array([0x52, 0x54, 0, 0x12, 0x34, 0x56]),
      'vendor,calibration': new Uint8Array([1, 2, 3, 4, 5]),
      'max-frequency': cells(200_000_000),
      'clock-frequency': cells(25_000_000),
    };
    const { node } = guestNodeOf(sdhciDevice((p) => Object.assign(p, props)));
    for (const [name, value] of Object.entries(props)) expect(node.properties.get(name), name).to.deep.equal(value);
  });

  it('rejects every other property, naming the host node and each property, with a hint', () => {
    const device = sdhciDevice((p) => {
      p['xlnx,mio-bank'] = cells(1);
      p['vmmc-supply'] = cells(0x20);
      // A phandle list can never pass for strings: a small phandle cell has NULs in a row.
      p['vendor,pair'] = cells(0x41424300, 0x20, 0x41424300);
    });
    let error: unknown;
    try {
      guestTree([device]);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DeviceError);
    expect((error as DeviceError).message).to.equal(`${SDHCI_PATH} has unsupported xlnx,mio-bank, vmmc-supply, vendor,pair properties`);
    expect((error as DeviceError).hint).to.contain('policy for compatible "xlnx,zynqmp-8.9a"');
    expectError(() => guestTree([sdhciDevice((p) => (p['xlnx,mio-bank'] = cells(1)))]), `${SDHCI_PATH} has unsupported xlnx,mio-bank property`);
  });

  it('follows the policy copy and ignore rules for the compatible, wildcards included, over the defaults', () => {
    const policy: VfioDtPolicy = {
      'xlnx,zynqmp-8.9a': { action: 'allow', properties: { 'xlnx,mio-*': 'copy', 'vmmc-supply': 'ignore', 'bus-width': 'ignore' } },
    };
    const device = sdhciDevice((p) => {
      p['xlnx,mio-bank'] = cells(1);
      p['vmmc-supply'] = cells(0x20);
    });
    const { node, warnings } = guestNodeOf(device, { policy });
    expect(getCells(node, 'xlnx,mio-bank')).to.deep.equal([1]);
    expect(node.properties.has('vmmc-supply')).to.equal(false);
    expect(node.properties.has('bus-width')).to.equal(false);
    expect(warnings).to.deep.equal([]);
  });

  it('keeps reg, interrupts and phandles its own even under a copy-everything policy', () => {
    const { node } = guestNodeOf(sdhciDevice(), { policy: { 'arasan,sdhci-8.9a': { action: 'allow', properties: { '*': 'copy' } } } });
    expect(getCells(node, 'reg')).to.deep.equal([0, 0x1000]);
    expect(getCells(node, 'interrupts')).to.deep.equal([0, 112, 4]);
    expect(node.properties.has('phandle')).to.equal(false);
    expect(node.properties.has('interrupt-parent')).to.equal(false);
    expect(getCells(node, 'iommus')).to.deep.equal([0x5, 0x871]);
  });

  it('leaves subnodes out with a warning naming them', () => {
    const device = sdhciDevice();
    findNode(device.hostRoot, SDHCI_PATH)!.children.push(
      { name: 'mmccard@0', path: `${SDHCI_PATH}/mmccard@0`, properties: new Map(), children: [] },
      { name: 'wifi', path: `${SDHCI_PATH}/wifi`, properties: new Map(), children: [] },
    );
    const { node, warnings } = guestNodeOf(device);
    expect(node.children).to.deep.equal([]);
    expect(warnings).to.deep.equal([`${SDHCI_PATH} has unsupported subnodes, left out of the guest node: mmccard@0, wifi`]);
  });
});

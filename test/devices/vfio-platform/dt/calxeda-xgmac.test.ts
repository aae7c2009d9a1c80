import { expect } from 'chai';
import { getCells, getStringList } from '../../../../src/fdt/fdt-query.js';
import { dtcWarnings } from '../../../support/dtc.js';
import { calxedaDevice } from './host-fixtures.js';
import { guestNodeOf, guestTree } from './guest-tree.js';
import { at } from '../../../../src/util/at.js';

describe('vfio-platform DT: calxeda xgmac binding', () => {
  it('writes the first compatible, dma-coherent and bus-relative regions, nothing else from the host', () => {
    const device = calxedaDevice();
    device.compatible = ['calxeda,hb-xgmac', 'snps,dwmac'];
    const { node, dtb, warnings } = guestNodeOf(device);
    expect(node.name).to.equal('ethernet@0');
    expect([...node.properties.keys()]).to.deep.equal(['interrupts', 'reg', 'dma-coherent', 'compatible']);
    expect(getStringList(node, 'compatible')).to.deep.equal(['calxeda,hb-xgmac']);
    expect(node.properties.get('dma-coherent')).to.have.length(0);
    expect(getCells(node, 'reg')).to.deep.equal([0, 0x1000]);
    expect(warnings).to.deep.equal([]);
    expect(dtcWarnings(dtb)).to.equal('');
  });

  it('makes every interrupt a level-high SPI, whatever the host reports', () => {
    const device = calxedaDevice();
    device.irqLevels = [true, false, false];
    const { node } = guestNodeOf(device);
    expect(getCells(node, 'interrupts')).to.deep.equal([0, 112, 4, 0, 113, 4, 0, 114, 4]);
  });

  it('names the node after region 0 where the bus placed it, not the host address', () => {
    const first = calxedaDevice();
    const second = calxedaDevice();
    const { nodes, dtb } = guestTree([first, second]);
    expect(nodes.map((n) => n.name)).to.deep.equal(['ethernet@0', 'ethernet@1000']);
    expect(getCells(at(nodes, 1), 'reg')).to.deep.equal([0x1000, 0x1000]);
    expect(getCells(at(nodes, 1), 'interrupts')).to.deep.equal([0, 115, 4, 0, 116, 4, 0, 117, 4]);
    expect(dtcWarnings(dtb)).to.equal('');
  });

  it('leaves interrupt-parent to the bus node and writes no interrupts for a device without IRQs', () => {
    const device = calxedaDevice();
    device.irqLevels = [];
    const { node } = guestNodeOf(device);
    expect(node.properties.has('interrupt-parent')).to.equal(false);
    expect(node.properties.has('interrupts')).to.equal(false);
  });
});

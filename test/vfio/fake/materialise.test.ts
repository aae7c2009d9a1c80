import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readDtDirectory } from '../../../src/fdt/index.js';
import type { FdtNode } from '../../../src/fdt/index.js';
import { FakeVfioHost, parseHostDescription } from '../../../src/vfio/fake/index.js';
import { VFIO_DEVICE_FLAGS_PLATFORM, VFIO_GROUP_FLAGS_VIABLE, VFIO_TYPE1v2_IOMMU } from '../../../src/vfio/uapi.js';
import { HOSTS_DIR, TEST_DEVICE, XGMAC_IN_GROUP_1, loadHost } from './fake-host-fixture.js';
import { at } from '../../../src/util/at.js';

function find(node: FdtNode, path: string): FdtNode {
  if (node.path === path) return node;
  for (const child of node.children) if (path === child.path || path.startsWith(`${child.path}/`)) return find(child, path);
  throw new Error(`no node ${path}`);
}

describe('fake VFIO host: the materialised sysfs tree', () => {
  it('lays out the platform device as Linux does: iommu_group, of_node, driver, driver_override', () => {
    const { host } = loadHost('test-device.json');
    try {
      const dev = join(host.sysfsRoot, 'sys/bus/platform/devices', TEST_DEVICE);
      expect(readlinkSync(join(dev, 'iommu_group'))).to.equal('../../../../kernel/iommu_groups/5');
      expect(basename(readlinkSync(join(dev, 'driver')))).to.equal('vfio-platform');
      expect(readFileSync(join(dev, 'driver_override'), 'utf8')).to.equal('vfio-platform\n');
      expect(readFileSync(join(dev, 'of_node/compatible'), 'latin1')).to.equal('armvirt,vfio-test-device\0');
      expect(readFileSync(join(dev, 'of_node/name'), 'latin1')).to.equal('vfio-test\0');
      expect(existsSync(join(host.sysfsRoot, 'sys/kernel/iommu_groups/5/devices', TEST_DEVICE, 'of_node'))).to.equal(true);
      expect(readlinkSync(join(host.sysfsRoot, 'proc/device-tree'))).to.equal('../sys/firmware/devicetree/base');
      expect(statSync(join(host.sysfsRoot, 'proc/device-tree/soc/vfio-test@a0000000')).isDirectory()).to.equal(true);
      for (const node of ['dev/vfio/vfio', 'dev/vfio/5']) expect(existsSync(join(host.sysfsRoot, node)), node).to.equal(true);
    } finally {
      host.close();
    }
  });

  it('leads realize from the sysfs path to a platform device fd, as on Linux', () => {
    const { host } = loadHost('calxeda-xgmac.json');
    try {
      const sysfsdev = join(host.sysfsRoot, 'sys/bus/platform/devices/fff51000.ethernet');
      expect(statSync(sysfsdev).isDirectory()).to.equal(true);
      const groupId = Number(basename(readlinkSync(join(sysfsdev, 'iommu_group'))));
      expect(existsSync(join(host.sysfsRoot, `dev/vfio/${groupId}`))).to.equal(true);
      const container = host.openContainer();
      const group = host.openGroup(groupId);
      expect(group.status() & VFIO_GROUP_FLAGS_VIABLE).to.equal(VFIO_GROUP_FLAGS_VIABLE);
      group.setContainer(container);
      container.setIommu(VFIO_TYPE1v2_IOMMU);
      const device = group.getDevice(basename(sysfsdev));
      expect(device.info().flags & VFIO_DEVICE_FLAGS_PLATFORM).to.equal(VFIO_DEVICE_FLAGS_PLATFORM);
      const compat = readFileSync(join(sysfsdev, 'of_node/compatible'), 'latin1')
        .split('\0')
        .filter((c) => c);
      expect(compat).to.deep.equal(['calxeda,hb-xgmac']);
    } finally {
      host.close();
    }
  });

  it('puts the device under its bus ancestors, as of_platform_populate does', () => {
    const { host } = loadHost('amd-xgbe.json');
    try {
      expect(readlinkSync(join(host.sysfsRoot, 'sys/bus/platform/devices/e0900000.xgmac'))).to.equal('../../../devices/platform/e0000000.smb/e0900000.xgmac');
    } finally {
      host.close();
    }
  });

  it('writes property files that readDtDirectory reads back as the description encodes them', () => {
    const { host } = loadHost('amd-xgbe.json');
    try {
      const root = readDtDirectory(join(host.sysfsRoot, 'proc/device-tree'));
      const node = find(root, '/smb@e0000000/xgmac@e0900000');
      const described = at(host.description.devices, 0).node.properties;
      expect([...node.properties.keys()].sort()).to.deep.equal([...described.keys()].sort());
      for (const [name, value] of described) expect(node.properties.get(name), name).to.deep.equal(value);
      expect(Buffer.from(node.properties.get('reg')!).readUInt32BE(4)).to.equal(0xe0900000);
      expect(Buffer.from(node.properties.get('mac-address')!)).to.deep.equal(Buffer.from([2, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5]));
      expect(node.properties.get('amd,per-channel-interrupt')!.length).to.equal(0);
      expect(Buffer.from(node.properties.get('clock-names')!).toString('latin1')).to.equal('dma_clk\0ptp_clk\0');
      const clock = find(root, '/smb@e0000000/dma_clk');
      expect(Buffer.from(clock.properties.get('clock-frequency')!).readUInt32BE(0)).to.equal(250_000_000);
      expect(Buffer.from(clock.properties.get('phandle')!).readUInt32BE(0)).to.equal(16);
    } finally {
      host.close();
    }
  });

  it('lists devices bound to host drivers in their IOMMU group, with no /dev/vfio node for a group vfio has no device in', () => {
    const description = parseHostDescription(
      {
        devices: [XGMAC_IN_GROUP_1],
        groups: [
          { id: 1, viable: false, otherDevices: [{ name: 'fff52000.serial', driver: 'uart-pl011' }] },
          { id: 9, otherDevices: [{ name: 'fff53000.i2c', driver: 'i2c-designware' }] },
        ],
      },
      'inline.json',
    );
    const host = new FakeVfioHost(description);
    try {
      const serial = join(host.sysfsRoot, 'sys/bus/platform/devices/fff52000.serial');
      expect(basename(readlinkSync(join(serial, 'driver')))).to.equal('uart-pl011');
      expect(basename(readlinkSync(join(serial, 'iommu_group')))).to.equal('1');
      expect(existsSync(join(host.sysfsRoot, 'sys/kernel/iommu_groups/1/devices/fff52000.serial'))).to.equal(true);
      expect(existsSync(join(host.sysfsRoot, 'dev/vfio/1'))).to.equal(true);
      expect(existsSync(join(host.sysfsRoot, 'dev/vfio/9'))).to.equal(false);
    } finally {
      host.close();
    }
  });

  it('removes its temporary tree on close, and leaves a given root alone', () => {
    const { host } = loadHost('calxeda-xgmac.json');
    host.close();
    expect(existsSync(host.sysfsRoot)).to.equal(false);
    const root = mkdtempSync(join(tmpdir(), 'armvirt-given-root-'));
    try {
      const kept = FakeVfioHost.load(join(HOSTS_DIR, 'calxeda-xgmac.json'), { root });
      expect(kept.sysfsRoot).to.equal(root);
      kept.close();
      expect(existsSync(join(root, 'sys/bus/platform/devices/fff51000.ethernet/of_node/compatible'))).to.equal(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

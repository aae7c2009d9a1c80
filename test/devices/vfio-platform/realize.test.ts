import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtMachine } from '../../../machines/virt/virt-machine.js';
import { buildVirtDtb } from '../../../machines/virt/virt-fdt.js';
import { printDts } from '../../../src/fdt/dts-printer.js';
import { VfioPlatform } from '../../../devices/vfio-platform/vfio-platform.js';
import { cast } from '../../../src/qom/types.js';
import { DeviceError } from '../../../src/qom/device-error.js';
import { VfioHostError, type VfioBackend, type VfioContainer, type VfioDevice, type VfioGroup } from '../../../src/vfio/host.js';
import type { FakeVfioHost } from '../../../src/vfio/fake/index.js';
import { VFIO_DEVICE_FLAGS_PLATFORM } from '../../../src/vfio/uapi.js';
import { HOSTS_DIR, machineWithHost, passthrough, REGION0, REGION1, TEST_DEVICE } from './passthrough.js';
import { at } from '../../../src/util/at.js';

/** The error adding `-device OPTIONS` gives, with the machine built by `build`. */
function realizeError(options: string, build = () => machineWithHost()): DeviceError {
  const { vm } = build();
  try {
    vm.addDynamicDevice(options);
  } catch (error) {
    expect(error).to.be.instanceOf(DeviceError);
    return error as DeviceError;
  } finally {
    vm.close();
  }
  throw new Error(`-device ${options} was accepted`);
}

/** A backend whose device answers `override` for some calls, to reach host failures the fake never makes. */
function withDevice(override: (device: VfioDevice) => Partial<VfioDevice>) {
  return () =>
    machineWithHost('test-device.json', (host: FakeVfioHost): VfioBackend => {
      const openGroup = host.openGroup.bind(host);
      return Object.assign(Object.create(host) as FakeVfioHost, {
        openGroup: (id: number): VfioGroup => {
          const group = openGroup(id);
          const getDevice = group.getDevice.bind(group);
          return Object.assign(Object.create(group) as VfioGroup, {
            getDevice: (name: string) => {
              const device = getDevice(name);
              return Object.assign(Object.create(device) as VfioDevice, override(device));
            },
          });
        },
      });
    });
}

/** A backend whose groups or containers answer `overrides` for some calls (host failures the fake never makes). */
function withHost(overrides: { group?: Partial<VfioGroup>; container?: Partial<VfioContainer> }) {
  return () =>
    machineWithHost('test-device.json', (host: FakeVfioHost): VfioBackend => {
      const openGroup = host.openGroup.bind(host);
      const openContainer = host.openContainer.bind(host);
      return Object.assign(Object.create(host) as FakeVfioHost, {
        openGroup: (id: number) => Object.assign(Object.create(openGroup(id)) as VfioGroup, overrides.group ?? {}),
        openContainer: () => Object.assign(Object.create(openContainer()) as VfioContainer, overrides.container ?? {}),
      });
    });
}

const prefix = `-device vfio-platform,host=${TEST_DEVICE}: vfio ${TEST_DEVICE}: `;

/** After a failed -device: the host device is closed and the next device gets the bus's first offset and line. */
function expectGivenBack(vm: VirtMachine, host: FakeVfioHost): void {
  expect(host.device(TEST_DEVICE).isOpen).to.equal(false);
  const rtc = vm.addDynamicDevice('pl031');
  expect([vm.platformBus.mmioOffset(rtc as never, 0), vm.platformBus.irqLine(rtc as never, 0)]).to.deep.equal([0, 0]);
}

describe('vfio-platform realize', () => {
  it('maps each host region on the platform bus, fast path over the trapped one, and reads the host compatible', () => {
    const t = passthrough();
    try {
      expect(t.device.hostDevice).to.deep.include({ name: TEST_DEVICE, groupId: 5, compatibles: ['armvirt,vfio-test-device'] });
      expect(t.device.vfioRegions.map((r) => [r.name, r.hasFastPath, r.fastPathEnabled])).to.deep.equal([
        [`VFIO ${TEST_DEVICE} region 0`, true, true],
        [`VFIO ${TEST_DEVICE} region 1`, false, false],
      ]);
      expect(t.device.mmioAddress(0)).to.equal(REGION0);
      expect(t.device.mmioAddress(1)).to.equal(REGION1);
      expect(t.read32(REGION0)).to.equal(0x56464954); // the ID, straight from the mapping
      expect(t.device.vfioIrqs!.intps.map((i) => [i.pin, i.automasked, i.path])).to.deep.equal([
        [0, true, 'resample'],
        [1, false, 'resample'],
      ]);
    } finally {
      t.close();
    }
  });

  it('x-no-mmap=on leaves every region on the trapped path, where the same registers read the same', () => {
    const t = passthrough('x-no-mmap=on');
    try {
      expect(t.device.vfioRegions.map((r) => r.hasFastPath)).to.deep.equal([false, false]);
      expect(t.read32(REGION0)).to.equal(0x56464954);
      t.write32(REGION0 + 0x10, 0x1234_5678);
      expect(t.read32(REGION0 + 0x10)).to.equal(0x1234_5678);
    } finally {
      t.close();
    }
  });

  it('sysfsdev wins over host; its basename is the device name', () => {
    const { vm } = machineWithHost();
    try {
      const device = cast(vm.addDynamicDevice(`vfio-platform,host=wrong,sysfsdev=/sys/bus/platform/devices/${TEST_DEVICE}`), VfioPlatform);
      expect(device.hostDevice?.name).to.equal(TEST_DEVICE);
    } finally {
      vm.close();
    }
  });

  it('the subtypes preset the compatible instead of reading it', () => {
    const { vm } = machineWithHost();
    try {
      const device = cast(vm.addDynamicDevice(`vfio-calxeda-xgmac,host=${TEST_DEVICE}`), VfioPlatform);
      expect(device.hostDevice?.compatibles).to.deep.equal(['calxeda,hb-xgmac']);
    } finally {
      vm.close();
    }
  });

  it('a subtype needs no host node: its guest node is named from the sysfs name', () => {
    const { vm, host } = machineWithHost('calxeda-xgmac.json');
    try {
      rmSync(join(host.sysfsRoot, 'sys/bus/platform/devices/fff51000.ethernet/of_node'));
      vm.addDynamicDevice('vfio-calxeda-xgmac,host=fff51000.ethernet');
      expect(printDts(buildVirtDtb(vm)))
        .to.contain('\t\tethernet@0 {\n')
        .and.contain('compatible = "calxeda,hb-xgmac";');
    } finally {
      vm.close();
    }
  });

  it('unrealize gives the host device back, and a second realize brings group, container and DMA back up', () => {
    const t = passthrough();
    try {
      t.device.unrealize();
      expect(t.host.device(TEST_DEVICE).isOpen).to.equal(false);
      t.device.realize();
      expect(t.host.device(TEST_DEVICE).isOpen).to.equal(true);
      expect(t.device.vfioRegions.map((r) => r.name)).to.deep.equal([`VFIO ${TEST_DEVICE} region 0`, `VFIO ${TEST_DEVICE} region 1`]);
      expect(t.device.irqOutputs).to.have.length(2);
    } finally {
      t.close();
    }
  });

  it('a device the platform bus cannot place is given back whole: host device closed, no region or line kept', () => {
    const { vm, host } = machineWithHost('test-device.json', (h) => h, { platformBusSize: 0x1000 });
    try {
      expect(() => vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`)).to.throw(DeviceError, 'Platform Bus: Can not fit MMIO region of size 100');
      expectGivenBack(vm, host);
    } finally {
      vm.close();
    }
  });

  it('an interrupt the host refuses to start undoes the placement: regions and lines free again, host device closed', () => {
    const build = withDevice(() => ({
      setIrqs: () => {
        throw new VfioHostError('EINVAL', 'VFIO_DEVICE_SET_IRQS');
      },
    }));
    const { vm, host } = build();
    try {
      expect(() => vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`)).to.throw(
        DeviceError,
        `${prefix}Failed to set up TRIGGER eventfd signaling for interrupt index 0-0: VFIO_DEVICE_SET_IRQS failure: Invalid argument`,
      );
      expectGivenBack(vm, host);
    } finally {
      vm.close();
    }
  });

  describe("errors, with QEMU's text", () => {
    it('a missing or path-like host name', () => {
      expect(realizeError('vfio-platform').message).to.equal('-device vfio-platform: vfio error: wrong host device name');
      expect(realizeError('vfio-platform,host=a/b').message).to.equal('-device vfio-platform,host=a/b: vfio a/b: wrong host device name');
    });

    it('a host device not in sysfs', () => {
      expect(realizeError('vfio-platform,host=ffff0000.nothing').message).to.equal(
        '-device vfio-platform,host=ffff0000.nothing: vfio ffff0000.nothing: failed to get the sysfs host device file status: No such file or directory',
      );
    });

    it('a device without an iommu_group link', () => {
      const build = () => {
        const made = machineWithHost();
        rmSync(join(made.host.sysfsRoot, 'sys/bus/platform/devices', TEST_DEVICE, 'iommu_group'));
        return made;
      };
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, build).message).to.equal(`${prefix}no iommu_group found: No such file or directory`);
    });

    it('an iommu_group link to a group with no VFIO node, or to no group number', () => {
      const relink = (target: string) => () => {
        const made = machineWithHost();
        const link = join(made.host.sysfsRoot, 'sys/bus/platform/devices', TEST_DEVICE, 'iommu_group');
        rmSync(link);
        symlinkSync(target, link);
        return made;
      };
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, relink('../../../../kernel/iommu_groups/9')).message).to.equal(
        `${prefix}failed to open /dev/vfio/9: No such file or directory`,
      );
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, relink('../../../../kernel/iommu_groups/x')).message).to.equal(
        `${prefix}failed to read ../../../../kernel/iommu_groups/x`,
      );
    });

    it('a group that is not viable, with the hint QEMU gives', () => {
      const dir = mkdtempSync(join(tmpdir(), 'armvirt-host-'));
      try {
        const description = JSON.parse(readFileSync(join(HOSTS_DIR, 'test-device.json'), 'utf8')) as Record<string, unknown>;
        description.$schema = join(HOSTS_DIR, 'vfio-host.schema.json');
        description.groups = [{ id: 5, viable: false }];
        writeFileSync(join(dir, 'host.json'), JSON.stringify(description));
        const error = realizeError(`vfio-platform,host=${TEST_DEVICE}`, () => machineWithHost(join(dir, 'host.json')));
        expect(error.message).to.equal(`${prefix}group 5 is not viable`);
        expect(error.hint).to.equal('Please ensure all devices within the iommu_group are bound to their vfio bus driver.');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('group status, container set-up and device fd failures', () => {
      const fail = (errno: 'EIO' | 'ENODEV' | 'ENOMEM', operation: string) => () => {
        throw new VfioHostError(errno, operation);
      };
      const cases: [ReturnType<typeof withHost>, string][] = [
        [withHost({ group: { status: fail('EIO', 'VFIO_GROUP_GET_STATUS') } }), `${prefix}failed to get group 5 status: Input/output error`],
        [withHost({ container: { apiVersion: () => 1 } }), `${prefix}failed to setup container for group 5: unsupported VFIO API version 1 (expected 0)`],
        [
          withHost({ container: { checkExtension: () => false } }),
          `${prefix}failed to setup container for group 5: no available IOMMU models (the host has neither type1 nor type1v2)`,
        ],
        [withHost({ container: { mapDma: fail('ENOMEM', 'VFIO_IOMMU_MAP_DMA') } }), `${prefix}failed to setup container for group 5: Cannot allocate memory`],
        [withHost({ group: { getDevice: fail('ENODEV', 'VFIO_GROUP_GET_DEVICE_FD') } }), `${prefix}error getting device from group 5: No such device`],
      ];
      for (const [build, message] of cases) expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, build).message).to.equal(message);
      const noDevice = realizeError(`vfio-platform,host=${TEST_DEVICE}`, at(cases, 4)[0]);
      expect(noDevice.hint).to.equal('Verify all devices in group 5 are bound to vfio-platform or pci-stub and not already in use');
    });

    it('a region the host will not mmap is a warning and stays trapped; a failed slow-path read gives all ones and a log line', () => {
      const build = withDevice(() => ({
        mmap: () => {
          throw new VfioHostError('EINVAL', 'mmap');
        },
        read: () => {
          throw new VfioHostError('EIO', 'pread');
        },
      }));
      const { vm, logs } = build();
      try {
        const device = cast(vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`), VfioPlatform);
        expect(device.vfioRegions.map((r) => r.hasFastPath)).to.deep.equal([false, false]);
        expect(logs).to.include(`vfio ${TEST_DEVICE}: warning: VFIO ${TEST_DEVICE} region 0 mmap unsupported, performance may be slow (Invalid argument)`);
        expect(new DataView(vm.memory.read(REGION0, 4).buffer).getUint32(0, true)).to.equal(0xffff_ffff);
        expect(logs).to.include(`vfio ${TEST_DEVICE}: vfio_region_read(${TEST_DEVICE}:region0+0x0, 4) failed: Input/output error`);
      } finally {
        vm.close();
      }
    });

    it('a device attached twice', () => {
      const { vm } = machineWithHost();
      try {
        vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`);
        expect(() => vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`)).to.throw(DeviceError, `${prefix}device is already attached`);
      } finally {
        vm.close();
      }
    });

    it("a device that isn't a platform device", () => {
      const build = withDevice((device) => ({ info: () => ({ ...device.info(), flags: device.info().flags & ~VFIO_DEVICE_FLAGS_PLATFORM }) }));
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, build).message).to.equal(`${prefix}this isn't a platform device`);
    });

    it('region and IRQ information the host refuses', () => {
      const refuse = (operation: string) => () => {
        throw new VfioHostError('EINVAL', operation);
      };
      const noRegion = withDevice(() => ({ regionInfo: refuse('VFIO_DEVICE_GET_REGION_INFO') }));
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, noRegion).message).to.equal(`${prefix}failed to get region 0 info: Invalid argument`);
      const noIrq = withDevice(() => ({ irqInfo: refuse('VFIO_DEVICE_GET_IRQ_INFO') }));
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, noIrq).message).to.equal(`${prefix}failed to get device irq info: Invalid argument`);
      const noInfo = withDevice(() => ({ info: refuse('VFIO_DEVICE_GET_INFO') }));
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, noInfo).message).to.equal(`${prefix}error getting device info: Invalid argument`);
    });

    it('a compatible file that cannot be read is reported as it is, without the device prefix', () => {
      let path = '';
      const build = () => {
        const made = machineWithHost();
        path = join(made.host.sysfsRoot, 'sys/bus/platform/devices', TEST_DEVICE, 'of_node', 'compatible');
        rmSync(path);
        return made;
      };
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, build).message).to.equal(
        `-device vfio-platform,host=${TEST_DEVICE}: Failed to open file “${path}”: No such file or directory`,
      );
    });

    it('a machine with no VFIO host says how to give one', () => {
      const build = () => {
        const withHost = machineWithHost();
        withHost.vm.close(); // the host's tree goes with it
        return { ...withHost, vm: new VirtMachine({ log: () => {} }) };
      };
      expect(realizeError(`vfio-platform,host=${TEST_DEVICE}`, build).message).to.equal(
        `-device vfio-platform,host=${TEST_DEVICE}: vfio ${TEST_DEVICE}: the machine has no VFIO host (give --vfio-host linux or fake:FILE.json)`,
      );
    });

    it('a failed realize leaves nothing open: the device can be attached afterwards', () => {
      const { vm, host } = machineWithHost();
      try {
        expect(() => vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE},x-irqfd=maybe`)).to.throw(DeviceError);
        vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`);
        expect(host.device(TEST_DEVICE).irqs[0]!.triggerFd).to.not.equal(undefined);
      } finally {
        vm.close();
      }
    });
  });
});

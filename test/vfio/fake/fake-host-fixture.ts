// Opens a shipped host description the way vfio-platform's realize does (container, group, IOMMU, device
// fd), collecting the host's log so tests can assert on it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeVfioHost, type FakeContainer } from '../../../src/vfio/fake/index.js';
import type { FakeDevice } from '../../../src/vfio/fake/device.js';
import type { FakeGroup } from '../../../src/vfio/fake/group.js';
import { VFIO_TYPE1v2_IOMMU } from '../../../src/vfio/uapi.js';
import { expect } from 'chai';
import { VfioHostError, type Errno } from '../../../src/vfio/host.js';

export const HOSTS_DIR = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'machines', 'hosts');
export const TEST_DEVICE = 'a0000000.vfio-test';

/** A Calxeda xgmac in IOMMU group 1, as a description's JSON lists it, for tests about the rest of that group. */
export const XGMAC_IN_GROUP_1 = {
  name: 'fff51000.ethernet',
  iommuGroup: 1,
  node: { path: '/soc/ethernet@fff51000', properties: { compatible: 'calxeda,hb-xgmac' } },
  regions: [{ address: '0xfff51000', size: '0x1000' }],
  irqs: [{ trigger: 'level' }, { trigger: 'level' }, { trigger: 'level' }],
  model: { name: 'calxeda-xgmac' },
};

/** Some of a JSON object's entries, named so that a test can change them, and any others. */
type JsonObject = Record<string, unknown>;

/** A host description as its JSON file holds it, typed loosely enough that a test can break any part of it. */
export interface DescriptionJson extends JsonObject {
  devices: [DeviceJson, ...DeviceJson[]];
}

export interface DeviceJson extends JsonObject {
  node: { path: unknown; properties: JsonObject };
  regions: [JsonObject, ...JsonObject[]];
  irqs: [JsonObject, JsonObject, ...JsonObject[]];
  model: JsonObject;
}

export interface OpenedHost {
  host: FakeVfioHost;
  container: FakeContainer;
  group: FakeGroup;
  device: FakeDevice;
  log: string[];
}

/** A shipped host description's JSON, to change in a test. */
export function descriptionJson(file: string): DescriptionJson {
  return JSON.parse(readFileSync(join(HOSTS_DIR, file), 'utf8')) as DescriptionJson;
}

export function loadHost(file: string): { host: FakeVfioHost; log: string[] } {
  const log: string[] = [];
  const host = FakeVfioHost.load(join(HOSTS_DIR, file), { log: (m) => log.push(m) });
  return { host, log };
}

/** The realize sequence: open container and group, SET_CONTAINER, SET_IOMMU, GET_DEVICE_FD. */
export function openDevice(file = 'test-device.json', name = TEST_DEVICE): OpenedHost {
  const { host, log } = loadHost(file);
  const id = host.device(name).description.iommuGroup;
  const container = host.openContainer();
  const group = host.openGroup(id);
  group.setContainer(container);
  container.setIommu(VFIO_TYPE1v2_IOMMU);
  return { host, container, group, device: group.getDevice(name), log };
}

/** Asserts that `fn` fails as the kernel would: a VfioHostError with this errno. */
export function expectErrno(fn: () => unknown, errno: Errno): VfioHostError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(VfioHostError);
    expect((e as VfioHostError).errno, (e as Error).message).to.equal(errno);
    return e as VfioHostError;
  }
  expect.fail(`expected ${errno}, but the call succeeded`);
}

export function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

export function readU32(device: FakeDevice, offset: number): number {
  const bytes = device.read(offset, 4);
  return new DataView(bytes.buffer).getUint32(0, true);
}

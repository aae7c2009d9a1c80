// Public API of the fake VFIO host: the backend, its description loader, and the models tests poke.
export { FakeVfioHost, type FakeVfioHostOptions } from './fake-host.js';
export { HOST_SCHEMA_PATH, loadHostDescription, parseHostDescription, type DeviceDescription, type HostDescription } from './description.js';
export { FakeEventNotifier } from './event-notifier.js';
export { FakeContainer, FAKE_IOVA_PAGE_SIZES } from './container.js';
export type { HostDevice } from './device.js';
export type { FakeIrq } from './irq.js';
export { DeviceModel, type ModelHost } from './models/device-model.js';
export { TestDeviceModel } from './models/test-device.js';
export { CalxedaXgmacModel } from './models/calxeda-xgmac.js';
export { AmdXgbeModel } from './models/amd-xgbe.js';
export { Pl011HostModel } from './models/pl011.js';
export * as testDeviceRegs from './models/test-device-regs.js';

// vfio-platform: a host platform device passed through to the guest (the behaviour of QEMU's
// hw/vfio/platform.c, our own design). Realize finds the device in sysfs (`host` or `sysfsdev`, under the
// VFIO host's sysfs root), follows its iommu_group link, opens group, container and device through the
// machine's VFIO host, maps each region (fast path over the trapped slow path), creates one IRQ object per
// index and reads the host compatible list. Interrupts start when the platform bus wires each line.
// Every error carries QEMU's text with the `vfio <name>: ` prefix.
import { existsSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { FdtWriter } from '../../src/fdt/fdt-writer.js';
import type { FdtNode } from '../../src/fdt/fdt-node.js';
import { readDtDirectory } from '../../src/fdt/sysfs-dt.js';
import { PathEscapeError, realPathWithin } from '../../src/files/contained-path.js';
import { DeviceError } from '../../src/qom/device-error.js';
import { prop, registerType } from '../../src/qom/index.js';
import type { DeviceTreeContext } from '../../src/qom/device-tree.js';
import { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { GuestRootNodes, writeVfioPlatformNode } from './dt/index.js';
import { defineTraceEvent } from '../../src/trace/index.js';
import { errnoText, type Errno, type VfioDevice } from '../../src/vfio/host.js';
import { hostCall, type VfioSession } from '../../src/vfio/session.js';
import { PASSTHROUGH_POLICY, VFIO_SESSION, type PassthroughPolicy } from './machine-keys.js';
import { VFIO_DEVICE_FLAGS_PLATFORM } from '../../src/vfio/uapi.js';
import { VfioIrqs } from './vfio-irqs.js';
import { VfioRegion } from './vfio-region.js';
import { at } from '../../src/util/at.js';

const traceRealize = defineTraceEvent('vfio_platform_realize', 'vfio device %s, compat = %s');
const tracePopulateInterrupts = defineTraceEvent('vfio_platform_populate_interrupts', '- IRQ index %d: count %d, flags=0x%x');
const traceBaseDeviceInit = defineTraceEvent('vfio_platform_base_device_init', '%s belongs to group #%d');

/** What realize found: the host side of the passthrough, for the device tree and the monitor. */
export interface VfioHostDevice {
  name: string;
  sysfsPath: string;
  groupId: number;
  device: VfioDevice;
  compatibles: string[];
}

export class VfioPlatform extends SysBusDevice {
  /** Set by the subtypes (vfio-calxeda-xgmac, vfio-amd-xgbe): the compatible list not read from the host. */
  presetCompatibles: string[] | undefined;
  private host: VfioHostDevice | undefined;
  private regions: VfioRegion[] = [];
  private irqs: VfioIrqs | undefined;

  /** The host device, once realized. */
  get hostDevice(): VfioHostDevice | undefined {
    return this.host;
  }

  get vfioRegions(): readonly VfioRegion[] {
    return this.regions;
  }

  get vfioIrqs(): VfioIrqs | undefined {
    return this.irqs;
  }

  protected override onRealize(): void {
    const session = this.context.extension(VFIO_SESSION);
    const { name, sysfsPath } = this.hostName(session);
    traceRealize(sysfsPath, this.presetCompatibles?.join(' ') ?? '(from the host)');
    let host: VfioHostDevice;
    try {
      if (!session) throw new DeviceError('the machine has no VFIO host (give --vfio-host linux or fake:FILE.json)');
      host = this.attach(session, name, sysfsPath);
    } catch (error) {
      this.release();
      throw DeviceError.from(error).prepend(`vfio ${name}: `);
    }
    // As QEMU, a compatible file that cannot be read is reported as it is, without the device prefix.
    try {
      host.compatibles = this.presetCompatibles ?? readCompatibles(sysfsPath, sysfsRootOf(session));
    } catch (error) {
      this.release();
      throw error;
    }
  }

  protected override onUnrealize(): void {
    this.release();
  }

  /** The guest node, built from the host's by the binding for this type and compatible (dt/). */
  override writeDeviceTree(fdt: FdtWriter, dt: DeviceTreeContext): void {
    const host = this.host;
    if (!host) throw new DeviceError(`${this.label()} is not realized`);
    try {
      writeVfioPlatformNode(
        {
          typeName: this.typeName,
          compatible: host.compatibles,
          ...this.hostTree(host),
          regions: this.mmioRegions.map((region, n) => ({ busOffset: dt.mmioAddress(n), size: region.size })),
          irqs: (this.irqs?.intps ?? []).map((intp, n) => ({ spi: at(dt.interruptCells(n, 'level'), 1), level: intp.automasked })),
        },
        {
          fdt,
          allocPhandle: () => dt.allocPhandle(),
          rootNodes: dt.rootNodes(GuestRootNodes),
          warn: (message) => dt.warn(`vfio ${host.name}: ${message}`),
          ...policy(this.context.extension(PASSTHROUGH_POLICY)),
        },
      );
    } catch (error) {
      throw DeviceError.from(error).prepend(`vfio ${host.name}: `);
    }
  }

  /**
   * The whole host tree, where bindings resolve phandles (fixed clocks). Some of its files are root-only on
   * Linux (`security-*`), so an unreadable tree is reported and generation goes on with the node alone.
   */
  private readHostRoot(base: string): FdtNode {
    const empty: FdtNode = { name: '', path: '/', properties: new Map(), children: [] };
    if (!existsSync(base)) return empty;
    try {
      return readDtDirectory(base);
    } catch (error) {
      this.context.log(
        `vfio ${this.host?.name}: warning: cannot read the host device tree at ${base} (${(error as Error).message}): phandles in the host node cannot be followed`,
      );
      return empty;
    }
  }

  /** The host node (`of_node`), its path and the whole host tree, as sysfs shows them. */
  private hostTree(host: VfioHostDevice): { hostNode: FdtNode; hostPath: string; hostRoot: FdtNode } {
    const base = join(sysfsRootOf(this.context.extension(VFIO_SESSION)), 'sys/firmware/devicetree/base');
    const ofNode = join(host.sysfsPath, 'of_node');
    const hostRoot = this.readHostRoot(base);
    if (!existsSync(ofNode)) {
      // No host node (a subtype needs none): named after the sysfs name's node part, `e0900000.xgmac` -> `xgmac`.
      const name = host.name.slice(host.name.indexOf('.') + 1);
      return { hostRoot, hostPath: `/${name}`, hostNode: { name, path: `/${name}`, properties: new Map(), children: [] } };
    }
    // The host node is read from the host's device tree and nowhere else (a link out of it is refused).
    const hostPath = `/${relative(realpathSync(base), withinHostTree(base, ofNode))}`;
    return { hostRoot, hostPath, hostNode: readDtDirectory(ofNode, { nodePath: hostPath, root: base }) };
  }

  protected override onIrqConnected(n: number): void {
    const { irqs } = this;
    const intp = irqs?.intps[n];
    if (irqs && intp) irqs.start(intp);
  }

  /** `host` names a device under the host's sysfs; `sysfsdev` (a path) wins and its basename is the name. */
  private hostName(session: VfioSession | undefined): { name: string; sysfsPath: string } {
    const root = sysfsRootOf(session);
    const sysfsdev = this.getString('sysfsdev');
    if (sysfsdev) return { name: basename(sysfsdev), sysfsPath: join(root, sysfsdev) };
    const host = this.getString('host');
    if (!host) throw new DeviceError('vfio error: wrong host device name');
    if (host.includes('/')) throw new DeviceError(`vfio ${host}: wrong host device name`);
    return { name: host, sysfsPath: join(root, 'sys/bus/platform/devices', host) };
  }

  private attach(session: VfioSession, name: string, sysfsPath: string): VfioHostDevice {
    try {
      statSync(sysfsPath);
    } catch (error) {
      throw new DeviceError(`failed to get the sysfs host device file status: ${fsErrorText(error)}`, { cause: error, hint: `looked for ${sysfsPath}` });
    }
    const root = sysfsRootOf(session);
    withinHostTree(root, sysfsPath, `is outside the VFIO host's sysfs root ${root}`);
    const groupId = readGroupId(sysfsPath);
    traceBaseDeviceInit(name, groupId);
    const device = session.openDevice(name, groupId);
    const host: VfioHostDevice = { name, sysfsPath, groupId, device, compatibles: [] };
    this.host = host;
    const info = hostCall('error getting device info', () => device.info());
    if (!(info.flags & VFIO_DEVICE_FLAGS_PLATFORM)) throw new DeviceError("this isn't a platform device");
    this.populateRegions(device, name, info.numRegions);
    this.populateIrqs(session, device, name, info.numIrqs);
    return host;
  }

  private populateRegions(device: VfioDevice, name: string, count: number): void {
    for (let i = 0; i < count; i++) {
      const regionInfo = hostCall(`failed to get region ${i} info`, () => device.regionInfo(i));
      if (regionInfo.size === 0) continue;
      const region = new VfioRegion({
        device,
        info: regionInfo,
        deviceName: name,
        noMmap: this.getBool('x-no-mmap'),
        onTrappedAccess: () => this.irqs?.eoi(),
        log: (m) => this.context.log(`vfio ${name}: ${m}`),
        guestError: (m) => this.guestError(() => `vfio ${name}: ${m()}`),
      });
      this.regions.push(region);
      this.initMmio(region.region);
    }
  }

  private populateIrqs(session: VfioSession, device: VfioDevice, name: string, count: number): void {
    const irqs = new VfioIrqs({
      name,
      device,
      session,
      context: this.context,
      irqfdAllowed: this.getBool('x-irqfd'),
      mmapTimeoutMs: this.getUint32('mmap-timeout-ms'),
      setFastPath: (enabled) => this.regions.forEach((r) => r.setFastPath(enabled)),
    });
    this.irqs = irqs;
    for (let i = 0; i < count; i++) {
      const irqInfo = hostCall('failed to get device irq info', () => device.irqInfo(i));
      tracePopulateInterrupts(irqInfo.index, irqInfo.count, irqInfo.flags);
      irqs.add(irqInfo, this.initIrq());
    }
  }

  /** Undoes whatever realize got to: IRQs, mappings, the device fd (the host resets it at close). */
  private release(): void {
    this.irqs?.close();
    this.irqs = undefined;
    for (const region of this.regions) region.close();
    this.regions = [];
    // What realize declared, so that a later realize declares it afresh (unrealize does the same).
    this.mmioRegions.length = 0;
    this.irqOutputs.length = 0;
    if (this.host) this.context.extension(VFIO_SESSION)?.closeDevice(this.host.device, this.host.groupId);
    this.host = undefined;
  }
}

/** The policy for the node writer's options, when the machine has one. */
function policy(value: PassthroughPolicy | undefined): { policy?: PassthroughPolicy } {
  return value ? { policy: value } : {};
}

/** Where host paths are looked up: the VFIO host's sysfs root (a fake host's tree), `/` on a real host. */
function sysfsRootOf(session: VfioSession | undefined): string {
  return session?.backend.sysfsRoot ?? '/';
}

function readGroupId(sysfsPath: string): number {
  const link = join(sysfsPath, 'iommu_group');
  let target: string;
  try {
    target = readlinkSync(link);
  } catch (error) {
    throw new DeviceError(`no iommu_group found: ${fsErrorText(error)}`, { cause: error });
  }
  const id = /^\d+/.exec(basename(target));
  if (!id) throw new DeviceError(`failed to read ${target}`);
  return Number(id[0]);
}

/** The real path of `path`, which must lie in `root` (symlinks resolved): the host's files and no others. */
function withinHostTree(root: string, path: string, outside = `leads outside the host device tree ${root}`): string {
  try {
    return realPathWithin(root, path);
  } catch (error) {
    if (error instanceof PathEscapeError) throw new DeviceError(`${path} ${outside}`);
    throw error;
  }
}

/** `<sysfsdev>/of_node/compatible`: NUL-separated strings. A read error reads as GLib words it. */
function readCompatibles(sysfsPath: string, root: string): string[] {
  const path = join(sysfsPath, 'of_node', 'compatible');
  if (existsSync(path)) withinHostTree(root, path, `is outside the VFIO host's sysfs root ${root}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DeviceError(`Failed to open file “${path}”: ${fsErrorText(error)}`, { cause: error });
  }
  return bytes
    .toString('latin1')
    .split('\0')
    .filter((s) => s.length > 0);
}

function fsErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? errnoText(code as Errno) : String(error);
}

const VFIO_PROPERTIES = [
  prop.string('host', { description: 'Host device name of assigned device' }),
  prop.string('sysfsdev', { description: 'Host sysfs path of assigned device' }),
  prop.bool('x-no-mmap', { default: false, description: 'Disable MMAP for device. Allows to trace MMIO accesses (DEBUG)' }),
  prop.uint32('mmap-timeout-ms', {
    default: 1100,
    description: 'When EOI is not provided by KVM/QEMU, wait time (milliseconds) to re-enable device direct access after level interrupt (DEBUG)',
  }),
  prop.bool('x-irqfd', { default: true, description: 'Allow disabling irqfd support (DEBUG)' }),
];

registerType({
  name: 'vfio-platform',
  parent: 'sys-bus-device',
  cls: VfioPlatform,
  userCreatable: true,
  description: 'VFIO-based platform device assignment',
  plug: { platformBus: ['virt'] },
  properties: VFIO_PROPERTIES,
});

registerType<VfioPlatform>({
  name: 'vfio-calxeda-xgmac',
  parent: 'vfio-platform',
  userCreatable: true,
  description: 'VFIO Calxeda XGMAC (compatible calxeda,hb-xgmac)',
  plug: { platformBus: ['virt'] },
  instanceInit: (device) => (device.presetCompatibles = ['calxeda,hb-xgmac']),
});

registerType<VfioPlatform>({
  name: 'vfio-amd-xgbe',
  parent: 'vfio-platform',
  userCreatable: true,
  description: 'VFIO AMD XGBE (compatible amd,xgbe-seattle-v1a)',
  plug: { platformBus: ['virt'] },
  instanceInit: (device) => (device.presetCompatibles = ['amd,xgbe-seattle-v1a']),
});

// One region of a passthrough device as the guest sees it: a container holding the trapped slow path (each
// access a little-endian pread/pwrite of the device fd) and, over it, the fast path (the region's mmap,
// which the guest reads and writes directly). Disabling the fast path uncovers the slow path, which is how
// the user-side IRQ path sees the guest's first access after an interrupt.
import type { LazyMessage } from '../../src/core/guest-errors.js';
import type { HostMemory } from '../../src/cpu/host-memory.js';
import { MemoryRegion, type ContainerRegion, type MemoryOps } from '../../src/memory/region.js';
import type { RegionInfo, VfioDevice } from '../../src/vfio/host.js';
import { hostErrorText } from '../../src/vfio/session.js';
import { VFIO_REGION_INFO_FLAG_MMAP } from '../../src/vfio/uapi.js';
import { at } from '../../src/util/at.js';

/** What a failed slow-path read returns, by access size (QEMU returns (uint64_t)-1). */
const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffff_ffff];

export interface VfioRegionOptions {
  device: VfioDevice;
  info: RegionInfo;
  /** The device's name for messages: `VFIO <name> region <i>`. */
  deviceName: string;
  /** Skip the mmap (x-no-mmap): every access trapped. */
  noMmap: boolean;
  /** Called after every slow-path access (the user-side path's EOI). */
  onTrappedAccess: () => void;
  log: (message: string) => void;
  /** A failed slow-path access (a guest error: it may repeat at the guest's pace). */
  guestError: (message: LazyMessage) => void;
}

export class VfioRegion {
  /** What the device exposes as its MMIO region. */
  readonly region: ContainerRegion;
  readonly name: string;
  private readonly fastPath: MemoryRegion | undefined;
  private readonly mapped: HostMemory | undefined;

  constructor(private readonly options: VfioRegionOptions) {
    const { info, deviceName } = options;
    this.name = `VFIO ${deviceName} region ${info.index}`;
    this.region = MemoryRegion.container(this.name, info.size);
    this.region.addSubregion(0, MemoryRegion.io(`${this.name} (trapped)`, info.size, this.slowPathOps()));
    if (!options.noMmap && info.flags & VFIO_REGION_INFO_FLAG_MMAP) {
      try {
        this.mapped = options.device.mmap(info.offset, info.size);
        this.fastPath = MemoryRegion.ramDevice(`${this.name} mmaps[0]`, this.mapped);
        this.region.addSubregion(0, this.fastPath, 1);
      } catch (error) {
        options.log(`warning: ${this.name} mmap unsupported, performance may be slow (${hostErrorText(error)})`);
      }
    }
  }

  get hasFastPath(): boolean {
    return this.fastPath !== undefined;
  }

  /** True while the guest reaches the region's mmap directly. */
  get fastPathEnabled(): boolean {
    return this.fastPath?.enabled ?? false;
  }

  setFastPath(enabled: boolean): void {
    this.fastPath?.setEnabled(enabled);
  }

  /** Unmaps the fast path and gives the mapping back now (a real mmap holds the device fd open until then). */
  close(): void {
    if (this.fastPath) this.region.removeSubregion(this.fastPath);
    this.mapped?.release();
  }

  private slowPathOps(): MemoryOps {
    const { device, info } = this.options;
    const base = info.offset; // where the host says the region is in the device fd, as for the mmap
    return {
      // 8-byte guest accesses become two 4-byte ones: the kernel splits them the same way.
      valid: { min: 1, max: 8 },
      implMax: 4,
      endianness: 'little',
      read: (offset, size) => {
        let value: number;
        try {
          const bytes = device.read(base + offset, size);
          if (bytes.length !== size) throw new Error(`short read of ${bytes.length} bytes`);
          value = littleEndian(bytes);
        } catch (error) {
          this.options.guestError(
            () => `vfio_region_read(${this.options.deviceName}:region${info.index}+0x${offset.toString(16)}, ${size}) failed: ${hostErrorText(error)}`,
          );
          value = ALL_ONES[size] ?? 0;
        }
        this.options.onTrappedAccess();
        return value;
      },
      write: (offset, size, value) => {
        try {
          const written = device.write(base + offset, toLittleEndian(value, size));
          if (written !== size) throw new Error(`short write of ${written} bytes`);
        } catch (error) {
          this.options.guestError(
            () =>
              `vfio_region_write(${this.options.deviceName}:region${info.index}+0x${offset.toString(16)}, 0x${value.toString(16)}, ${size}) failed: ${hostErrorText(error)}`,
          );
        }
        this.options.onTrappedAccess();
      },
    };
  }
}

function littleEndian(bytes: Uint8Array): number {
  let value = 0;
  for (let i = bytes.length - 1; i >= 0; i--) value = value * 256 + (bytes[i] ?? 0);
  return value;
}

/** One buffer per access size, reused: pwrite copies it before returning, and the slow path is hot under IRQ load. */
const WRITE_BUFFERS = [new Uint8Array(0), new Uint8Array(1), new Uint8Array(2), new Uint8Array(3), new Uint8Array(4)];

function toLittleEndian(value: number, size: number): Uint8Array {
  const bytes = at(WRITE_BUFFERS, size);
  let rest = value;
  for (let i = 0; i < size; i++) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

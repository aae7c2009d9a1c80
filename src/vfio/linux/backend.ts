// The linux VFIO host backend: /dev/vfio/* through the native addon, real eventfds delivered between vCPU
// slices, sysfs read from the real root (or another root, for tests).
import { constants as fsConstants } from 'node:fs';
import { join } from 'node:path';
import { native } from '../../cpu/native.js';
import type { HostEventSink, VfioBackend, VfioContainer, VfioGroup } from '../host.js';
import { LinuxVfioContainer } from './container.js';
import { LinuxEventNotifier, type NotifierHost } from './event-notifier.js';
import { LinuxVfioGroup } from './group.js';
import { hostCall, type CallContext } from './native-call.js';
import type { OpenFiles, VfioFile } from './vfio-file.js';

export interface LinuxVfioOptions {
  /** Root of the sysfs tree (default '/'). */
  sysfsRoot?: string;
  /** Where the VFIO device nodes are (default '/dev/vfio'). */
  devDir?: string;
}

export class LinuxVfioBackend implements VfioBackend, OpenFiles, NotifierHost {
  readonly kind = 'linux' as const;
  readonly sysfsRoot: string;
  readonly devDir: string;
  private readonly files = new Set<VfioFile>();
  private readonly notifiers = new Set<LinuxEventNotifier>();
  /** Notifiers whose eventfd became readable since the last dispatch, in signalling order. */
  private readonly pending = new Set<LinuxEventNotifier>();
  private sink: HostEventSink | undefined;

  constructor(options: LinuxVfioOptions = {}) {
    this.sysfsRoot = options.sysfsRoot ?? '/';
    this.devDir = options.devDir ?? '/dev/vfio';
  }

  openContainer(): VfioContainer {
    const path = join(this.devDir, 'vfio');
    const fd = this.open(path, {
      hint: (errno) => {
        if (errno === 'ENOENT') return 'no VFIO on this host: load it with modprobe -a vfio-platform vfio_iommu_type1, see docs/linux-host.md';
        if (errno === 'EACCES') return `no permission to open ${path}`;
        return undefined;
      },
    });
    return new LinuxVfioContainer(fd, path, this);
  }

  openGroup(id: number): VfioGroup {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`IOMMU group ${id} is not a group number`);
    const path = join(this.devDir, String(id));
    const fd = this.open(path, {
      hint: (errno) => {
        if (errno === 'ENOENT') return `no VFIO group ${id}: bind the device to vfio-platform first, see docs/linux-host.md`;
        if (errno === 'EACCES') return `no permission: give this user ${path} (chown or a udev rule)`;
        if (errno === 'EBUSY') return `group ${id} is already open, by this or another process`;
        return undefined;
      },
    });
    return new LinuxVfioGroup(id, fd, path, this);
  }

  createEventNotifier(): LinuxEventNotifier {
    const notifier = new LinuxEventNotifier(this);
    this.notifiers.add(notifier);
    return notifier;
  }

  attach(sink: HostEventSink): void {
    this.sink = sink;
  }

  dispatch(): void {
    // One at a time out of the set: if a handler throws, the others stay pending for the next dispatch.
    for (const notifier of this.pending) {
      this.pending.delete(notifier);
      notifier.deliver();
    }
  }

  openResources(): string[] {
    return [...[...this.files].map((file) => file.label), ...[...this.notifiers].map((notifier) => `eventfd ${notifier.fd}`)];
  }

  close(): void {
    for (const notifier of [...this.notifiers]) notifier.close();
    for (const file of [...this.files].reverse()) file.close();
    this.sink = undefined;
  }

  // --- OpenFiles, NotifierHost ---------------------------------------------------------------------------

  opened(file: VfioFile): void {
    this.files.add(file);
  }

  closed(file: VfioFile): void {
    this.files.delete(file);
  }

  signalled(notifier: LinuxEventNotifier): void {
    this.pending.add(notifier);
    this.sink?.kick();
  }

  released(notifier: LinuxEventNotifier): void {
    this.notifiers.delete(notifier);
    this.pending.delete(notifier);
  }

  private open(path: string, context: CallContext): number {
    return hostCall(() => native.vfio.open(path, fsConstants.O_RDWR), context);
  }
}

// An open VFIO file (container, group or device fd): ioctls on it and closing it once. Use after close is
// EBADF naming the file, never a call on a descriptor number the process may have reused.
import { native } from '../../cpu/native.js';
import { VfioHostError } from '../host.js';
import { hostCall, type CallContext } from './native-call.js';

/** Where open files report their closing (the backend closes what is left in its own close()). */
export interface OpenFiles {
  opened(file: VfioFile): void;
  closed(file: VfioFile): void;
}

export class VfioFile {
  #fd: number;

  constructor(
    fd: number,
    /** What the fd is, for errors: '/dev/vfio/7', 'device fff51000.ethernet'. */
    readonly label: string,
    protected readonly files: OpenFiles,
  ) {
    this.#fd = fd;
    files.opened(this);
  }

  /** The descriptor; EBADF once closed. */
  get fd(): number {
    if (this.#fd < 0) throw new VfioHostError('EBADF', this.label, 'already closed');
    return this.#fd;
  }

  protected ioctl(request: number, arg?: number | Uint8Array, context?: CallContext): number {
    const fd = this.fd;
    return hostCall(() => native.vfio.ioctl(fd, request, arg), context);
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    this.files.closed(this);
    hostCall(() => native.vfio.close(fd));
  }
}

// mmap(MAP_SHARED) of a file range as HostMemory: how a device region reaches the guest without traps.
// Regular files take the same path, which is how the tests prove the memory aliases the file.
import { HostMemory, PAGE_SIZE } from '../../cpu/host-memory.js';
import { native } from '../../cpu/native.js';
import { VfioHostError } from '../host.js';
import { hostCall } from './native-call.js';

/**
 * `what` names the file in errors. release() on the result unmaps it (otherwise garbage collection does); it
 * is refused while a vCPU maps the memory.
 */
export function mapShared(fd: number, offset: number, size: number, writable: boolean, what: string): HostMemory {
  const operation = `mmap ${what}`;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset % PAGE_SIZE !== 0 || !Number.isSafeInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
    throw new VfioHostError('EINVAL', operation, `offset 0x${offset.toString(16)} and size 0x${size.toString(16)} must be page-aligned and the size positive`);
  }
  const buffer = hostCall(() => native.mapSharedFile(fd, offset, size, writable), {
    operation,
    hint: () => `0x${size.toString(16)} bytes at 0x${offset.toString(16)}${writable ? ', writable' : ''}`,
  });
  return HostMemory.wrap(buffer, () => {
    try {
      native.unmapSharedFile(buffer);
    } catch (error) {
      throw new Error(`cannot unmap ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  });
}

// VFIO_DEVICE_SET_IRQS of vfio-platform: the header checks of vfio_set_irqs_validate_and_prepare, then the
// platform handlers (vfio_platform_set_irq_trigger / _mask / _unmask). Errno values are the kernel's:
// EINVAL for any bad header, range or data, ENOTTY when the flags name no single action, EBUSY for a second
// mask/unmask eventfd, EBADF for a descriptor the host does not know.
import { hex } from '../../util/hex.js';
import { VfioHostError, type EventNotifier, type IrqSet } from '../host.js';
import {
  VFIO_IRQ_SET_ACTION_MASK,
  VFIO_IRQ_SET_ACTION_TRIGGER,
  VFIO_IRQ_SET_ACTION_TYPE_MASK,
  VFIO_IRQ_SET_ACTION_UNMASK,
  VFIO_IRQ_SET_DATA_BOOL,
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
  VFIO_IRQ_SET_DATA_TYPE_MASK,
} from '../uapi.js';
import type { FakeEventNotifier } from './event-notifier.js';
import type { FakeIrq } from './irq.js';
import { at } from '../../util/at.js';

const OP = 'VFIO_DEVICE_SET_IRQS';
const U32_MAX = 0xffff_ffff;

export interface SetIrqsContext {
  irqs: readonly FakeIrq[];
  /** The kernel's eventfd_ctx_fdget: the host's own notifier for a descriptor, or EBADF. */
  eventfd(notifier: EventNotifier): FakeEventNotifier;
  /** Lets the device model catch up with the guest before an unmask looks at its IRQ lines. */
  sync(): void;
}

export function setIrqs(context: SetIrqsContext, set: IrqSet): void {
  const { flags, index, start, count } = set;
  const numIrqs = context.irqs.length;
  const invalid = (why: string) => new VfioHostError('EINVAL', OP, why);
  if (![flags, index, start, count].every((n) => Number.isInteger(n) && n >= 0 && n <= U32_MAX)) throw invalid('flags, index, start and count are u32');
  if (flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)) throw invalid(`unknown flags ${hex(flags)}`);
  if (index >= numIrqs) throw invalid(`index ${index} is beyond the device's ${numIrqs} IRQs`);
  if (count >= U32_MAX - start) throw invalid('start + count overflows');
  if (start >= numIrqs || start + count > numIrqs) throw invalid(`start ${start} count ${count} is outside 0..${numIrqs}`);
  const dataType = flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
  if (dataType !== VFIO_IRQ_SET_DATA_NONE && dataType !== VFIO_IRQ_SET_DATA_BOOL && dataType !== VFIO_IRQ_SET_DATA_EVENTFD) {
    throw invalid(`flags ${hex(flags)} must hold exactly one of DATA_NONE, DATA_BOOL, DATA_EVENTFD`);
  }
  const data = set.data ?? [];
  if (dataType !== VFIO_IRQ_SET_DATA_NONE) {
    // argsz covers one u8 (DATA_BOOL) or s32 (DATA_EVENTFD) per subindex.
    if (data.length < count) throw invalid(`argsz holds ${data.length} data entries for count ${count}`);
    const fits = dataType === VFIO_IRQ_SET_DATA_BOOL ? (d: unknown) => typeof d === 'boolean' : (d: unknown) => typeof d === 'object';
    if (!data.slice(0, count).every(fits)) throw invalid(`data does not match ${dataType === VFIO_IRQ_SET_DATA_BOOL ? 'DATA_BOOL' : 'DATA_EVENTFD'}`);
  }
  const irq = at(context.irqs, index);
  const first = data[0];
  switch (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
    case VFIO_IRQ_SET_ACTION_TRIGGER:
      if (count === 0 && dataType === VFIO_IRQ_SET_DATA_NONE) return irq.setTrigger(undefined);
      if (start !== 0 || count !== 1) throw invalid(`start ${start} count ${count}: a platform IRQ has exactly one subindex`);
      if (dataType === VFIO_IRQ_SET_DATA_EVENTFD) return irq.setTrigger(first ? context.eventfd(first as EventNotifier) : undefined);
      // Loopback: "simulate hardware triggering" by running the handler.
      if (dataType === VFIO_IRQ_SET_DATA_NONE || first === true) irq.handle();
      return;
    case VFIO_IRQ_SET_ACTION_MASK:
    case VFIO_IRQ_SET_ACTION_UNMASK: {
      const unmask = (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) === VFIO_IRQ_SET_ACTION_UNMASK;
      if (start !== 0 || count !== 1) throw invalid(`start ${start} count ${count}: a platform IRQ has exactly one subindex`);
      if (!irq.isLevel) throw invalid(`IRQ ${index} is edge-triggered: it is not maskable`);
      const act = unmask
        ? () => {
            context.sync();
            irq.unmask();
          }
        : () => irq.mask();
      if (dataType === VFIO_IRQ_SET_DATA_EVENTFD) return setVirqfd(context, irq, unmask, first as EventNotifier | null, act);
      if (dataType === VFIO_IRQ_SET_DATA_NONE || first === true) act();
      return;
    }
    default:
      throw new VfioHostError('ENOTTY', OP, `flags ${hex(flags)} must hold exactly one of ACTION_MASK, ACTION_UNMASK, ACTION_TRIGGER`);
  }
}

/** vfio_virqfd_enable / _disable: the kernel consumes the eventfd and runs the action on each signal. */
function setVirqfd(context: SetIrqsContext, irq: FakeIrq, unmask: boolean, notifier: EventNotifier | null, act: () => void): void {
  const current = unmask ? irq.unmaskFd : irq.maskFd;
  if (!notifier) {
    current?.stopConsuming();
    if (unmask) irq.unmaskFd = undefined;
    else irq.maskFd = undefined;
    return;
  }
  if (current) throw new VfioHostError('EBUSY', OP, `IRQ ${irq.index} already has ${unmask ? 'an unmask' : 'a mask'} eventfd (de-assign it with -1 first)`);
  const fd = context.eventfd(notifier);
  if (unmask) irq.unmaskFd = fd;
  else irq.maskFd = fd;
  fd.consume(act);
}

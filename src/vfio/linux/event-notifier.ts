// EventNotifier over a real eventfd. Node's event loop polls it (uv_poll) and, when it becomes readable,
// marks it pending and kicks the run loop; the handler runs from dispatch(), between vCPU slices, after the
// counter is read back to zero (signals that arrive before then are one delivery).
import { native, type NativeEventFdPoller } from '../../cpu/native.js';
import { VfioHostError, type EventNotifier } from '../host.js';
import { hostCall, isErrno } from './native-call.js';

/** The backend side of a notifier: told when the eventfd is readable and when the notifier is gone. */
export interface NotifierHost {
  signalled(notifier: LinuxEventNotifier): void;
  released(notifier: LinuxEventNotifier): void;
}

export class LinuxEventNotifier implements EventNotifier {
  readonly fd: number;
  private readonly poller: NativeEventFdPoller;
  private handler: (() => void) | undefined;
  private pollError: string | undefined;
  private closed = false;

  constructor(private readonly host: NotifierHost) {
    this.fd = hostCall(() => native.eventfdCreate());
    this.poller = new native.EventFdPoller(this.fd, (error) => {
      this.pollError ??= error;
      this.host.signalled(this);
    });
  }

  signal(): void {
    this.checkOpen('signal');
    hostCall(() => native.eventfdWrite(this.fd, 1));
  }

  setHandler(handler: (() => void) | undefined): void {
    this.checkOpen('setHandler');
    this.handler = handler;
    // Without a handler the counter is left alone, so a signal is not lost before one is set.
    if (handler) this.poller.start();
    else this.poller.stop();
  }

  /** Runs the handler if the counter was non-zero (called by the backend's dispatch). */
  deliver(): void {
    if (this.closed || !this.handler) return;
    if (this.pollError) {
      const errno = this.pollError;
      this.pollError = undefined;
      if (isErrno(errno)) throw new VfioHostError(errno, `poll eventfd ${this.fd}`);
      throw new Error(`poll eventfd ${this.fd}: ${errno}`);
    }
    const count = hostCall(() => native.eventfdRead(this.fd));
    const handler = this.handler;
    // Re-armed before the handler runs: a signal it causes (or a throw) is not lost.
    this.poller.start();
    if (count > 0) handler();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    this.poller.close();
    this.host.released(this);
    hostCall(() => native.vfio.close(this.fd));
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw new VfioHostError('EBADF', `eventfd ${this.fd} ${operation}`, 'the notifier is closed');
  }
}

// How the stub names its one thread and reports stops and the end (gdb manual, "Stop Reply Packets"). With
// gdb's multiprocess extension, which QEMU takes, the thread is p1.1 and the end names process 1.

/** What gdb and the stub agreed on for this connection. */
export interface Session {
  extended: boolean;
  noAck: boolean;
  multiprocess: boolean;
}

/** A stop: gdb's signal number and the reason fields after the thread (`swbreak:;`, `watch:ADDR;`). */
export interface StopEvent {
  signal: number;
  reason?: string;
}

/** gdb's signal numbers (include/gdb/signals.def). */
export const SIGNAL = { INT: 0x02, ILL: 0x04, TRAP: 0x05, ABRT: 0x06, BUS: 0x0a, SEGV: 0x0b } as const;

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

export const threadId = (session: Session): string => (session.multiprocess ? 'p1.1' : '1');

export function stopPacket(stop: StopEvent, session: Session): string {
  return `T${hex2(stop.signal)}thread:${threadId(session)};${stop.reason ?? ''}`;
}

/** W: the guest is gone, with armvirt's exit code (8 bits, as a process's). */
export function exitPacket(exitCode: number, session: Session): string {
  return `W${hex2(exitCode & 0xff)}${session.multiprocess ? ';process:1' : ''}`;
}

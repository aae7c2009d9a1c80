// Where the gdb server listens, in QEMU's -gdb spelling: `tcp::PORT` (localhost), `tcp:HOST:PORT`, or
// `unix:PATH`; `-s` is `tcp::1234`.
import { at } from '../util/at.js';

export type GdbListenAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

/** What -s stands for. */
export const DEFAULT_GDB_LISTEN = 'tcp::1234';

/** Parses a -gdb value; returns an explanation instead when it is not one. */
export function parseGdbListen(text: string): GdbListenAddress | { error: string } {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    return path ? { kind: 'unix', path } : { error: 'unix: needs a socket path (unix:PATH)' };
  }
  const tcp = /^tcp:(\[[0-9a-fA-F:.]+\]|[^:[\]]*):(\d+)$/.exec(text);
  if (!tcp) return { error: 'expected tcp::PORT, tcp:HOST:PORT or unix:PATH' };
  const port = Number(tcp[2]);
  if (port < 1 || port > 65535) return { error: `port ${tcp[2]} is not between 1 and 65535` };
  const host = at(tcp, 1).replace(/^\[(.*)\]$/, '$1');
  return { kind: 'tcp', host: host || 'localhost', port };
}

/** `localhost:1234` or `unix:/tmp/gdb.sock`, for messages. */
export function describeGdbListen(address: GdbListenAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

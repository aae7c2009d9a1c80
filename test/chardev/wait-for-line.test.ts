import { expect } from 'chai';
import { MemoryChardev } from '../../src/chardev/index.js';
import { waitForLine } from '../support/uart.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('waitForLine (test support)', () => {
  it('resolves with a line already written that contains the text', async () => {
    const uart = new MemoryChardev();
    uart.write(bytes('booting\nirq: ready\n'));
    expect(await waitForLine(uart, 'ready')).to.equal('irq: ready');
  });

  it('resolves when a later line completes, and leaves the previous onLine handler in place', async () => {
    const uart = new MemoryChardev();
    const earlier: string[] = [];
    uart.onLine = (line) => earlier.push(line);
    const waiting = waitForLine(uart, 'login:');
    uart.write(bytes('Linux version\nlog'));
    setTimeout(() => uart.write(bytes('in: root\n')), 5);
    expect(await waiting).to.equal('login: root');
    uart.write(bytes('after\n'));
    expect(earlier).to.deep.equal(['Linux version', 'login: root', 'after']);
  });

  it('rejects after the timeout naming the text and the last lines', async () => {
    const uart = new MemoryChardev();
    uart.write(bytes('one\ntwo\n'));
    let error: Error | undefined;
    await waitForLine(uart, 'three', { timeoutMs: 20 }).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('no UART line containing "three" within 20 ms; last lines: "one", "two"');
  });
});

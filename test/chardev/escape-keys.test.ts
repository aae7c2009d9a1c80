import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EscapeKeys } from '../../src/chardev/escape-keys.js';
import { StdioChardev, type StdioInput } from '../../src/chardev/index.js';
import { RecordingFrontend } from './frontend.js';
import { at } from '../../src/util/at.js';

/** Escape keys whose actions are recorded: what reached the guest, what was printed, how often it quit. */
function recorded() {
  const log = { sent: '', printed: '', quits: 0, powerDowns: 0 };
  const keys = new EscapeKeys({
    send: (bytes) => (log.sent += Buffer.from(bytes).toString('latin1')),
    print: (text) => (log.printed += text),
    quit: () => log.quits++,
    powerDown: () => log.powerDowns++,
  });
  const feed = (text: string) => keys.feed(Buffer.from(text, 'latin1'));
  return { log, feed };
}

describe("QEMU's console escape keys (mon:stdio)", () => {
  it('passes every key but Ctrl-A to the guest, Ctrl-C and Ctrl-Z included', () => {
    const { log, feed } = recorded();
    feed('ls\r\x03\x1afg\r');
    expect(log).to.deep.equal({ sent: 'ls\r\x03\x1afg\r', printed: '', quits: 0, powerDowns: 0 });
  });

  it('Ctrl-A X quits; the keys before it still reach the guest', () => {
    const { log, feed } = recorded();
    feed('ab\x01x');
    expect(log).to.deep.equal({ sent: 'ab', printed: '', quits: 1, powerDowns: 0 });
  });

  it('Ctrl-A H (or ?) prints the keys, Ctrl-A Ctrl-A sends one Ctrl-A, an unknown escape is dropped', () => {
    const { log, feed } = recorded();
    feed('\x01h\x01\x01\x01q!');
    expect(log.printed).to.equal(
      '\r\nC-a h    print this help\r\nC-a x    exit emulator\r\n' +
        "C-a p    power down (press the power button, as the monitor's system_powerdown)\r\nC-a C-a  sends C-a\r\n",
    );
    expect(log.sent).to.equal('\x01!');
    feed('\x01?');
    expect(log.printed.split('C-a h').length).to.equal(3);
  });

  it("Ctrl-A P (or p) asks for a power-down, as QEMU's system_powerdown, and the guest sees neither key", () => {
    const { log, feed } = recorded();
    feed('a\x01pb\x01P');
    expect(log).to.deep.equal({ sent: 'ab', printed: '', quits: 0, powerDowns: 2 });
  });

  it('an escape split across two reads still acts', () => {
    const { log, feed } = recorded();
    feed('x\x01');
    feed('X');
    expect(log).to.deep.equal({ sent: 'x', printed: '', quits: 1, powerDowns: 0 });
  });

  it('a mon:stdio terminal sends Ctrl-C to the guest, powers down through onPowerDown, quits through onQuit, and restores the mode at process exit if never closed', async () => {
    const modes: boolean[] = [];
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (raw: boolean) => modes.push(raw) }) as PassThrough & StdioInput;
    let interrupts = 0;
    const exitListenersBefore = process.listeners('exit');
    const chardev = new StdioChardev({ input, output: new PassThrough(), escapeKeys: true, onInterrupt: () => interrupts++ });
    const quits: string[] = [];
    let powerDowns = 0;
    chardev.onQuit = (reason) => quits.push(reason);
    chardev.onPowerDown = () => powerDowns++;
    const frontend = new RecordingFrontend();
    chardev.connect(frontend);
    input.write('a\x03\x01p\x01x');
    await nextTurn();
    expect(frontend.received).to.deep.equal(['a\x03']);
    expect(interrupts).to.equal(0);
    expect(powerDowns).to.equal(1);
    expect(quits).to.deep.equal(['quit from the console (Ctrl-A X)']);
    const added = process.listeners('exit').filter((l) => !exitListenersBefore.includes(l));
    expect(added).to.have.length(1);
    at(added, 0)(0); // what the process runs when it ends without closing the backend
    expect(modes).to.deep.equal([true, false]);
    chardev.close();
    expect(process.listeners('exit')).to.deep.equal(exitListenersBefore);
  });
});

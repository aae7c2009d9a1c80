import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { StdioChardev, type StdioInput } from '../../src/chardev/index.js';
import { RecordingFrontend } from './frontend.js';

/** A PassThrough that looks like a terminal's stdin, recording the modes it is put in. */
function fakeTerminal(): PassThrough & StdioInput & { modes: boolean[] } {
  const modes: boolean[] = [];
  return Object.assign(new PassThrough(), { isTTY: true, modes, setRawMode: (raw: boolean) => modes.push(raw) });
}

describe('stdio chardev', () => {
  it('writes guest output to its output stream', () => {
    const output = new PassThrough();
    const chardev = new StdioChardev({ input: new PassThrough(), output });
    chardev.write(new TextEncoder().encode('hello\n'));
    expect((output.read() as Buffer).toString()).to.equal('hello\n');
    chardev.close();
  });

  it('delivers piped input as it arrives, through the event loop, and tells the machine', async () => {
    const input = new PassThrough();
    const chardev = new StdioChardev({ input, output: new PassThrough() });
    let wakes = 0;
    chardev.onInput = () => wakes++;
    const frontend = new RecordingFrontend();
    chardev.connect(frontend);
    input.write('ls\n');
    await nextTurn();
    expect(frontend.received).to.deep.equal(['ls\n']);
    expect(wakes).to.equal(1);
    chardev.close();
  });

  it('leaves a pipe alone: Ctrl-C bytes are data', async () => {
    const input = new PassThrough();
    let interrupts = 0;
    const chardev = new StdioChardev({ input, output: new PassThrough(), onInterrupt: () => interrupts++ });
    const frontend = new RecordingFrontend();
    chardev.connect(frontend);
    input.write('\x03');
    await nextTurn();
    expect(frontend.received).to.deep.equal(['\x03']);
    expect(interrupts).to.equal(0);
    chardev.close();
  });

  it('puts a terminal in raw mode, turns Ctrl-C into an interrupt of the VMM and restores the mode on close', async () => {
    const input = fakeTerminal();
    let interrupts = 0;
    const chardev = new StdioChardev({ input, output: new PassThrough(), onInterrupt: () => interrupts++ });
    expect(input.modes).to.deep.equal([true]);
    const frontend = new RecordingFrontend();
    chardev.connect(frontend);
    input.write('a\x03b\x03');
    await nextTurn();
    expect(frontend.received).to.deep.equal(['a', 'b']);
    expect(interrupts).to.equal(2);
    chardev.close();
    expect(input.modes).to.deep.equal([true, false]);
    input.write('late');
    await nextTurn();
    expect(frontend.received).to.deep.equal(['a', 'b']);
  });
});

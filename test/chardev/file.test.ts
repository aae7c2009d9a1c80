import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChardev } from '../../src/chardev/index.js';

describe('file chardev', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-chardev-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends guest output to the file, byte for byte', () => {
    const path = join(dir, 'serial.log');
    writeFileSync(path, 'earlier run\n');
    const chardev = new FileChardev(path);
    chardev.write(Uint8Array.of(0x68, 0x69, 0x0a, 0xff));
    expect(readFileSync(path)).to.deep.equal(Buffer.from('earlier run\nhi\n\xff', 'latin1'));
    chardev.close();
    chardev.write(Uint8Array.of(0x21));
    expect(readFileSync(path).length).to.equal(16);
  });

  it('names the file it cannot open', () => {
    const path = join(dir, 'missing', 'serial.log');
    expect(() => new FileChardev(path)).to.throw(`cannot open '${path}' for appending: ENOENT`);
  });

  it('takes a FIFO only while a process reads it, instead of waiting for a reader for ever', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => new FileChardev(fifo)).to.throw(`cannot open '${fifo}' for appending: it is a FIFO no process reads`);
  });

  it('writes everything to a FIFO whose reader is slower than the guest', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('sh', ['-c', `sleep 0.2; wc -c < '${fifo}'`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const counted = new Promise<string>((resolve) => {
      let out = '';
      reader.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      reader.on('close', () => resolve(out.trim()));
    });
    let chardev: FileChardev | undefined;
    for (let tries = 0; !chardev; tries++) {
      try {
        chardev = new FileChardev(fifo);
      } catch (error) {
        if (tries > 200) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10)); // until the reader has opened it
      }
    }
    chardev.write(new Uint8Array(1 << 20)); // more than a pipe holds: the write waits for the reader
    chardev.close();
    expect(await counted).to.equal(String(1 << 20));
  });
});

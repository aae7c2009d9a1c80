import { expect } from 'chai';
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
});

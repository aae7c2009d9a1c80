import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createChardev, FileChardev, MemoryChardev, NullChardev, StdioChardev } from '../../src/chardev/index.js';
import { expectError } from '../fdt/expect-error.js';
import { RecordingFrontend } from './frontend.js';

describe('chardev specs', () => {
  it('creates the backend each spec names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-chardev-'));
    try {
      const stdio = createChardev('stdio', { input: new PassThrough(), output: new PassThrough() });
      const file = createChardev(`file:${join(dir, 'out')}`);
      const backends = [stdio, file, createChardev('null'), createChardev('memory')];
      expect(backends.map((b) => b.constructor)).to.deep.equal([StdioChardev, FileChardev, NullChardev, MemoryChardev]);
      file.write(Uint8Array.of(0x6f, 0x6b));
      expect(readFileSync(join(dir, 'out'), 'latin1')).to.equal('ok');
      backends.forEach((b) => b.close());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has null swallow output and never deliver input', () => {
    const chardev = createChardev('null');
    const frontend = new RecordingFrontend();
    chardev.connect(frontend);
    chardev.write(Uint8Array.of(1, 2, 3));
    chardev.acceptInput();
    expect(frontend.received).to.deep.equal([]);
  });

  it('names a bad spec and lists the accepted ones', () => {
    expectError(() => createChardev('pty'), "unknown character backend 'pty' (accepted: stdio, mon:stdio, file:PATH, null, memory)");
    expectError(() => createChardev('file:'), "character backend 'file:' names no file: expected file:PATH");
    expect(() => createChardev('file:/nonexistent-dir/x')).to.throw(
      "character backend 'file:/nonexistent-dir/x': cannot open '/nonexistent-dir/x' for appending: ENOENT",
    );
  });
});

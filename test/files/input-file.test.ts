import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBytes, InputFileError, ramLimit, readInputFile } from '../../src/files/input-file.js';

const LIMIT = { maxBytes: 1024, what: 'the 1 KiB a test file may have' };

function reason(path: string, limit = LIMIT): string {
  try {
    readInputFile(path, limit);
  } catch (error) {
    expect(error).to.be.instanceOf(InputFileError);
    return (error as InputFileError).reason;
  }
  throw new Error(`${path} was read`);
}

describe('input files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'armvirt-input-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file whole, up to the limit', () => {
    writeFileSync(join(dir, 'ok'), 'x'.repeat(1024));
    expect(readInputFile(join(dir, 'ok'), LIMIT).toString()).to.equal('x'.repeat(1024));
    writeFileSync(join(dir, 'empty'), '');
    expect(readInputFile(join(dir, 'empty'), LIMIT)).to.have.length(0);
  });

  it('refuses what is not a regular file before opening it: a FIFO with no writer does not block', () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(reason(join(dir, 'fifo'))).to.equal('a FIFO, not a regular file');
    expect(reason('/dev/zero')).to.equal('a character device, not a regular file');
    expect(reason('/dev/urandom')).to.equal('a character device, not a regular file');
    expect(reason(dir)).to.equal('a directory, not a regular file');
    expect(reason(join(dir, 'none'))).to.equal('no such file');
    expect(reason(join(dir, 'ok', 'below'))).to.equal('a path component is not a directory');
  });

  it('refuses a file larger than the limit from its size alone, and one that turns out longer when read', () => {
    writeFileSync(join(dir, 'huge'), '');
    truncateSync(join(dir, 'huge'), 9 * 2 ** 30); // sparse: nothing is read
    expect(reason(join(dir, 'huge'))).to.equal('9 GiB, more than the 1 KiB a test file may have');
    // /proc files report size 0: the limit stops the read instead.
    expect(reason('/proc/self/smaps', { maxBytes: 100, what: '100 bytes' })).to.equal('longer than 100 bytes');
  });

  it('bounds a kernel or initrd by RAM, and by what one read gives', () => {
    expect(ramLimit(128 * 2 ** 20)).to.deep.equal({ maxBytes: 128 * 2 ** 20, what: 'the 128 MiB of RAM' });
    expect(ramLimit(8 * 2 ** 30).maxBytes).to.be.below(2 ** 31);
    expect(formatBytes(1536)).to.equal('1.5 KiB');
  });
});

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as R from '../../../src/vfio/fake/models/test-device-regs.js';

const HEADER = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'firmware', 'common', 'vfio_test_device.h');

/** The header's #defines with a value (hex, decimal or (1u << n)); the include guard has none. */
function headerDefines(text: string): Map<string, number> {
  const defines = new Map<string, number>();
  for (const match of text.matchAll(/^#define[ \t]+(VFIO_TEST_\w+)[ \t]+([^\n]+?)[ \t]*(?:\/\*[^\n]*)?$/gm)) {
    const [, name, body] = match;
    const shift = /^\(1u << (\d+)\)$/.exec(body!);
    const value = shift ? 2 ** Number(shift[1]) : /^(0x[0-9a-f]+|\d+)$/i.test(body!) ? Number(body) : NaN;
    if (Number.isNaN(value)) throw new Error(`vfio_test_device.h: cannot read the value of ${name}: '${body}'`);
    defines.set(name!, value);
  }
  return defines;
}

describe('fake VFIO host: the test device register map', () => {
  it('is the same in firmware/common/vfio_test_device.h and test-device-regs.ts', () => {
    const header = headerDefines(readFileSync(HEADER, 'utf8'));
    const ts = new Map(Object.entries(R).filter((e): e is [string, number] => typeof e[1] === 'number'));
    expect(header.size).to.be.greaterThan(20);
    expect([...header.keys()].sort()).to.deep.equal([...ts.keys()].sort());
    for (const [name, value] of header) expect(ts.get(name), name).to.equal(value);
  });
});

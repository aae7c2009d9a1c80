import { expect } from 'chai';
import { formatSize, parseSize, parseUnsigned } from '../../src/qom/index.js';

const KiB = 1n << 10n;
const MiB = 1n << 20n;
const GiB = 1n << 30n;

describe('size text (QEMU size syntax)', () => {
  it('reads plain bytes and hex', () => {
    expect(parseSize('0')).to.equal(0n);
    expect(parseSize('4096')).to.equal(4096n);
    expect(parseSize('0x1000')).to.equal(4096n);
  });

  it('reads the binary suffixes B, K, M, G, T, P, E in either case', () => {
    expect(parseSize('12B')).to.equal(12n);
    expect(parseSize('4k')).to.equal(4n * KiB);
    expect(parseSize('4K')).to.equal(4n * KiB);
    expect(parseSize('512M')).to.equal(512n * MiB);
    expect(parseSize('1G')).to.equal(GiB);
    expect(parseSize('2t')).to.equal(2n << 40n);
    expect(parseSize('1P')).to.equal(1n << 50n);
    expect(parseSize('15E')).to.equal(15n << 60n);
  });

  it('reads a fraction with a suffix of K or more, truncated to a byte', () => {
    expect(parseSize('1.5G')).to.equal(GiB + GiB / 2n);
    expect(parseSize('.5K')).to.equal(512n);
    expect(parseSize('1.M')).to.equal(MiB);
    expect(parseSize('0.001K')).to.equal(1n);
  });

  it('reads 0x1b as hex 27, not 1 byte: hex takes no suffix', () => {
    expect(parseSize('0x1b')).to.equal(27n);
    expect(parseSize('0x20M')).to.equal(undefined);
  });

  it('rejects negatives, bare fractions, unknown suffixes, spaces, and values past 2^64 - 1', () => {
    for (const bad of ['-1', '-0', '1.5', '1.5B', '1.0', '.', '', 'K', '4KiB', '4 K', ' 4K', '16E', '18446744073709551616']) {
      expect(parseSize(bad), bad).to.equal(undefined);
    }
    expect(parseSize('18446744073709551615')).to.equal(2n ** 64n - 1n);
  });

  it('prints the shortest exact form, which reads back', () => {
    expect(formatSize(32n * MiB)).to.equal('32M');
    expect(formatSize(4096n)).to.equal('4K');
    expect(formatSize(1000n)).to.equal('1000');
    expect(formatSize(0n)).to.equal('0');
    expect(parseSize(formatSize(3n * GiB))).to.equal(3n * GiB);
  });
});

describe('unsigned integer text', () => {
  it('reads decimal and 0x hex up to a maximum', () => {
    expect(parseUnsigned('255', 255n)).to.equal(255n);
    expect(parseUnsigned('0xff', 255n)).to.equal(255n);
    expect(parseUnsigned('256', 255n)).to.equal(undefined);
  });
});

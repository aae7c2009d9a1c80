import { expect } from 'chai';
import { MemoryTraceSink, TraceRegistry } from '../../src/trace/index.js';
import { at } from '../../src/util/at.js';

/** The message one enabled event formats from `format` and `args`. */
function format(fmt: string, ...args: unknown[]): string {
  const registry = new TraceRegistry();
  const sink = new MemoryTraceSink();
  registry.addSink(sink);
  registry.enable('*');
  registry.define('event', fmt)(...args);
  return at(sink.records, 0).message;
}

describe('trace formats', () => {
  it('prints signed decimals with %d and %i, numbers and bigints alike', () => {
    expect(format('%d %i %d %d', 42, -5, -7n, 2 ** 40)).to.equal('42 -5 -7 1099511627776');
    expect(format('[%5d] [%-5d] [%05d] [%+d] [% d]', 42, 42, -42, 42, 42)).to.equal('[   42] [42   ] [-0042] [+42] [ 42]');
  });

  it('prints unsigned conversions of negative values in the width of the length modifier', () => {
    expect(format('%u %hhu %hu %lu', -1, -1, -1, -1)).to.equal('4294967295 255 65535 18446744073709551615');
    expect(format('%x %llx', -2, -2n)).to.equal('fffffffe fffffffffffffffe');
  });

  it('prints hex with %x and %X, a 0x prefix with # (none for zero, as C does), padding after the prefix', () => {
    expect(format('%x %X %#x %#X %#x', 255, 255, 255, 255, 0)).to.equal('ff FF 0xff 0XFF 0');
    expect(format('%08x %#010x %-6x| %4x', 0xbeef, 0xbeef, 0xff, 0xff)).to.equal('0000beef 0x0000beef ff    |   ff');
  });

  it('prints 64-bit values in full with %lx, from numbers above 32 bits and from bigints', () => {
    expect(format('%lx %lx %#lx', 0x1_2345_6789, 0xffff_ffff_ffff_ffffn, 0x40_0000_0000)).to.equal('123456789 ffffffffffffffff 0x4000000000');
  });

  it('prints octal with %o, characters with %c and pointers with %p', () => {
    expect(format('%o %#o %c%c %p', 8, 8, 65, 'b', 0x1000)).to.equal('10 010 Ab 0x1000');
  });

  it('prints anything with %s through String(), padded to the width', () => {
    const device = { toString: () => 'pl011' };
    expect(format('%s %s %s [%6s] [%-6s]', 'abc', device, undefined, 'ab', 'ab')).to.equal('abc pl011 undefined [    ab] [ab    ]');
  });

  it('prints %% as a percent sign without taking an argument', () => {
    expect(format('%d%% of %s', 50, 'ram')).to.equal('50% of ram');
  });

  it('prints a number that is not an integer as it is rather than truncating it', () => {
    expect(format('%d %x', 1.5, NaN)).to.equal('1.5 NaN');
  });

  it('rejects an unsupported conversion when the event is defined, naming the event and what is accepted', () => {
    const registry = new TraceRegistry();
    expect(() => registry.define('pl011_baud', 'rate %f')).to.throw(
      "trace event 'pl011_baud': conversion '%f' in format 'rate %f' is not supported (accepted: %d %i %u %x %X %o %c %s %p %%, with flags -+ #0, a width and a length hh h l ll j z t)",
    );
    expect(() => registry.define('pl011_pct', '100%')).to.throw("trace event 'pl011_pct': conversion '%' in format '100%' is not supported");
  });
});

import { expect } from 'chai';
import { native, type NativeVcpu } from '../../src/cpu/native.js';

/** Calls a binding as untyped JS may: any arguments, any count. */
function call(cpu: NativeVcpu, method: keyof NativeVcpu, ...args: unknown[]): unknown {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its object as this
  return Reflect.apply(cpu[method], cpu, args);
}

// The addon's vCPU methods check their arguments the way the host bindings do: a wrong type or a missing
// argument is a TypeError naming the call and the argument, never a native abort or a value taken as 0.
const X0 = native.registerIds.X0 ?? 0;

describe('vCPU binding arguments', () => {
  let cpu: NativeVcpu;
  beforeEach(() => {
    cpu = new native.Vcpu({});
  });
  afterEach(() => cpu.close());

  it('names the call and the argument on a wrong type', () => {
    expect(() => call(cpu, 'regRead', 'pc')).to.throw(TypeError, 'regRead: argument 1 (id) must be a number, not a string');
    expect(() => call(cpu, 'mapPointer', 0x4000_0000, new Uint8Array(0x1000), 0, 0x1000)).to.throw(
      TypeError,
      'mapPointer: argument 2 (backing) must be an ArrayBuffer, not a typed array',
    );
    expect(() => call(cpu, 'writeMemory', 0x4000_0000, 'bytes')).to.throw(TypeError, 'writeMemory: argument 2 (bytes) must be a Uint8Array, not a string');
    expect(() => call(cpu, 'setIrqLine', 0, 1)).to.throw(TypeError, 'setIrqLine: argument 1 (fiq) must be a boolean, not a number');
    expect(() => call(cpu, 'setWatchpoint', 0n, '4', 0, true)).to.throw(
      TypeError,
      'setWatchpoint: argument 2 (length) must be a number or bigint, not a string',
    );
    expect(() => new native.Vcpu({ model: 'a72' } as unknown as { model: number })).to.throw(
      TypeError,
      'new Vcpu: argument 1 (options.model) must be a number, not a string',
    );
  });

  it('names a missing argument', () => {
    expect(() => call(cpu, 'mapMmio')).to.throw(TypeError, 'mapMmio: argument 1 (addr) must be a number or bigint, not undefined (missing?)');
    expect(() => call(cpu, 'cpRegWrite', 3, 0, 1, 0, 0)).to.throw(TypeError, 'cpRegWrite: argument 6 (value) must be a number or bigint, not undefined');
    expect(() => call(cpu, 'run')).to.throw(TypeError, 'run: argument 1 (deadline) must be a number, not undefined');
    expect(() => call(cpu, 'setHandlers', () => 0)).to.throw(TypeError, 'setHandlers: argument 2 (mmioWrite) must be a function');
  });

  it('refuses values of the right type but out of range, and takes none of them', () => {
    expect(() => call(cpu, 'setPc', -4)).to.throw(RangeError, 'setPc: argument 1 (pc) (-4) is not a non-negative integer below 2^64');
    expect(() => call(cpu, 'regWrite', X0, 2n ** 64n)).to.throw(RangeError, 'regWrite: argument 2 (value) does not fit in 64 unsigned bits');
    expect(() => call(cpu, 'readVector', 32)).to.throw(RangeError, 'readVector: argument 1 (n) names no V32 (V0-V31)');
    expect(() => call(cpu, 'run', NaN)).to.throw(RangeError, 'run: argument 1 (deadline) is NaN');
    expect(cpu.getPc()).to.equal(0);
    expect(cpu.regRead(X0)).to.equal(0n);
  });

  it('still works after refusing: the vCPU runs as before', () => {
    expect(() => call(cpu, 'setPc', 'here')).to.throw(TypeError);
    cpu.setPc(0x1000);
    expect(cpu.getPc()).to.equal(0x1000);
  });
});

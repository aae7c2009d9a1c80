import { expect } from 'chai';
import { errorLines } from '../../src/cli/error-lines.js';
import { ConfigError } from '../../src/vmm/config.js';
import { DeviceError } from '../../src/qom/device-error.js';

describe('error lines', () => {
  it('gives one line per problem of a config error, and the hint after an error', () => {
    expect(errorLines(new ConfigError(['vm.json: $.memory: bad', 'vm.json: $.kernel: bad']))).to.deep.equal([
      'vm.json: $.memory: bad',
      'vm.json: $.kernel: bad',
    ]);
    expect(errorLines(new DeviceError('vfio x: no such device', { hint: 'looked for /sys/x\n' }))).to.deep.equal([
      'vfio x: no such device',
      'looked for /sys/x',
    ]);
  });

  it('keeps a message on its line: control characters from a value are shown escaped', () => {
    expect(errorLines(new Error("-device pl011,chardev=a\nb: unknown character backend 'a\nb\u0007'"))).to.deep.equal([
      "-device pl011,chardev=a\\nb: unknown character backend 'a\\nb\\x07'",
    ]);
  });

  it('cuts a line holding a huge value in the middle, keeping its start and end', () => {
    const [line] = errorLines(new Error(`host=${'x'.repeat(100_000)}: no such device`));
    expect(line!.length).to.be.below(2100);
    expect(line).to.match(/^host=x+\.\.\. \(\d+ characters left out\) \.\.\.x+: no such device$/);
  });
});

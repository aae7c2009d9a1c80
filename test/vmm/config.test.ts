import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  absolutePaths,
  CONFIG_SCHEMA_PATH,
  ConfigError,
  deviceOptionText,
  loadConfigFile,
  MACHINES_DIR,
  mergeRawConfigs,
  resolveConfig,
} from '../../src/vmm/config.js';
import { MACHINE_TYPES } from '../../machines/machine-types.js';

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('machine config model', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('loads a config: sizes in bytes, paths relative to the file, device objects as -device text', () => {
    const path = write(
      'vm.json',
      JSON.stringify({
        machine: 'virt',
        memory: '512M',
        kernel: 'images/Image',
        serial: 'file:logs/uart.txt',
        devices: ['pl031', { type: 'pl011', id: 'uart1', chardev: 'null' }],
        timeout: { virtual: 5 },
        platformBus: { size: '64M' },
      }),
    );
    const { raw, baseDir } = loadConfigFile(path);
    const config = resolveConfig(absolutePaths(raw, baseDir), path);
    expect(config).to.deep.include({
      machine: 'virt',
      memoryBytes: 512 * 2 ** 20,
      kernel: join(dir, 'images/Image'),
      serial: `file:${join(dir, 'logs/uart.txt')}`,
      devices: ['pl031', 'pl011,id=uart1,chardev=null'],
      timeout: { virtualSeconds: 5, hostSeconds: undefined },
      clock: 'realtime',
      unmappedAccess: 'raz-wi',
      trace: [],
    });
    expect(config.platformBus.sizeBytes).to.equal(64 * 2 ** 20);
  });

  it('fills in defaults: virt, stdio serial, real-time clock, RAZ/WI for unmapped accesses', () => {
    expect(resolveConfig({}, 'x')).to.deep.include({ machine: 'virt', serial: 'stdio', clock: 'realtime', unmappedAccess: 'raz-wi', devices: [] });
  });

  it('takes the gdb server from a config file (a socket path relative to it) and checks it with -S', () => {
    const path = write('vm.json', JSON.stringify({ gdb: 'unix:gdb.sock', waitForDebugger: true }));
    const { raw, baseDir } = loadConfigFile(path);
    expect(resolveConfig(absolutePaths(raw, baseDir), path).gdb).to.deep.equal({
      listen: { kind: 'unix', path: join(dir, 'gdb.sock') },
      waitForDebugger: true,
    });
    expect(resolveConfig({ gdb: 'tcp::1234' }, 'x').gdb).to.deep.equal({ listen: { kind: 'tcp', host: 'localhost', port: 1234 }, waitForDebugger: false });
    expect(resolveConfig({ gdb: 'tcp:[::1]:99' }, 'x').gdb?.listen).to.deep.equal({ kind: 'tcp', host: '::1', port: 99 });
    expect(problemsOf(() => resolveConfig({ gdb: 'tcp:0.0.0.0:70000' }, 'vm.json'))).to.deep.equal([
      "vm.json: $.gdb: 'tcp:0.0.0.0:70000' is not valid: port 70000 is not between 1 and 65535",
    ]);
    expect(problemsOf(() => resolveConfig({ waitForDebugger: true }, 'vm.json', (key) => (key === 'waitForDebugger' ? '-S' : undefined)))).to.deep.equal([
      '-S: nothing would ever start the guest: add a gdb server (-s or -gdb)',
    ]);
  });

  it('doubles commas in device property values, as -device option text needs', () => {
    expect(deviceOptionText({ type: 'vfio-platform', host: 'a,b', 'x-no-mmap': true, 'mmap-timeout-ms': 0 })).to.equal(
      'vfio-platform,host=a,,b,x-no-mmap=true,mmap-timeout-ms=0',
    );
  });

  it('lays flags over a file: scalars replace, devices and trace add up, objects merge', () => {
    const merged = mergeRawConfigs(
      { memory: '128M', devices: ['pl031'], trace: ['a'], timeout: { virtual: 5 }, clock: 'deterministic' },
      { memory: '1G', devices: ['pl011'], trace: ['b'], timeout: { host: 9 } },
    );
    expect(merged).to.deep.equal({ memory: '1G', devices: ['pl031', 'pl011'], trace: ['a', 'b'], timeout: { virtual: 5, host: 9 }, clock: 'deterministic' });
  });

  it('reports every problem of a bad file with the file, the JSON path, the value and what is allowed', () => {
    const path = write('bad.json', JSON.stringify({ machine: 'virt', memroy: '1G', memory: '12X', kernel: 5, clock: 'fast', devices: [{ typ: 'pl031' }] }));
    expect(problemsOf(() => loadConfigFile(path))).to.deep.equal([
      `${path}: $: unknown key 'memroy' (did you mean 'memory'?)`,
      `${path}: $.memory: '12X' is not valid: a size in bytes: a number with an optional K, M, G or T suffix (e.g. 512M), or 0x hex`,
      `${path}: $.kernel: expected a string, got 5`,
      `${path}: $.clock: 'fast' is not one of realtime, deterministic`,
      `${path}: $.devices[0]: missing required key 'type'`,
    ]);
  });

  it('says where a JSON syntax error is, and when the file is missing', () => {
    const path = write('syntax.json', '{\n  "machine": virt\n}\n');
    expect(problemsOf(() => loadConfigFile(path))).to.deep.equal([`${path}:2:14: not valid JSON: Unexpected token 'v'`]);
    expect(problemsOf(() => loadConfigFile(join(dir, 'none.json')))).to.deep.equal([`${join(dir, 'none.json')}: cannot read the machine config: no such file`]);
  });

  it('refuses sizes the machine cannot have and foundation-board keys that need virt, naming the flag when a flag set them', () => {
    expect(problemsOf(() => resolveConfig({ memory: '1000' }, 'vm.json'))).to.deep.equal(["vm.json: $.memory: '1000' is not a whole number of 4K pages"]);
    expect(problemsOf(() => resolveConfig({ memory: '0' }, 'vm.json'))).to.deep.equal([
      "vm.json: $.memory: '0' is not a usable size (a positive number of bytes with an optional K, M, G or T suffix)",
    ]);
    expect(problemsOf(() => resolveConfig({ memory: '256G' }, 'vm.json', (key) => (key === 'memory' ? '-m' : undefined)))).to.deep.equal([
      "-m: '256G' is more than the 255G of RAM the virt memory map has room for",
    ]);
    expect(
      problemsOf(() => resolveConfig({ platformBus: { size: '1G' } }, 'vm.json', (key) => (key === 'platformBus' ? '-M virt,platform-bus-size' : undefined))),
    ).to.deep.equal(["-M virt,platform-bus-size: '1G' does not fit between the platform bus at 0xc000000 and RAM at 0x40000000 (at most 832M)"]);
    expect(problemsOf(() => resolveConfig({ clock: 'deterministic', vfioHost: 'linux' }, 'vm.json'))).to.deep.equal([
      "vm.json: $.clock: a deterministic clock skips idle time, so a guest waiting for a real device's interrupt would time out at once: use realtime with the linux VFIO host",
    ]);
    expect(problemsOf(() => resolveConfig({ machine: 'foundation', devices: ['pl031'], append: 'x' }, 'vm.json'))).to.deep.equal([
      "vm.json: $.append: the foundation board has no device tree, platform bus or Linux boot; use machine 'virt'",
      "vm.json: $.devices: the foundation board has no device tree, platform bus or Linux boot; use machine 'virt'",
    ]);
  });

  it('every shipped machine config satisfies the schema and resolves', () => {
    const configs = readdirSync(MACHINES_DIR).filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'));
    expect(configs).to.include('virt-demo.json');
    for (const name of configs) {
      const { raw, baseDir } = loadConfigFile(join(MACHINES_DIR, name));
      expect(resolveConfig(absolutePaths(raw, baseDir), name).machine, name).to.be.oneOf(Object.keys(MACHINE_TYPES));
    }
  });

  it('the schema offers exactly the machine types whose limits the config model checks', () => {
    const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as { properties: { machine: { enum: string[] } } };
    expect([...schema.properties.machine.enum].sort()).to.deep.equal(Object.keys(MACHINE_TYPES).sort());
  });
});

// Every flag of armvirt's flag table x bad values for what it takes (by the value's placeholder in the
// table: SIZE, SECONDS, a|b choices...), a missing value, a value given to a flag that takes none, and flag
// names no flag has. File flags get their bad files from file-cases.ts.
import { FLAGS } from '../../src/cli/args.js';
import { PROTOTYPE_NAMES, sampled, type CaseContext, type CrashCase } from './crash-case.js';

/** Bad values by placeholder. A placeholder missing here is a new kind of flag: the crash-test says so. */
function badValues(placeholder: string, context: CaseContext): readonly string[] {
  if (/^[a-z-]+(\|[a-z-]+)+$/.test(placeholder)) {
    const [first] = placeholder.split('|');
    return ['nosuch', '', first!.toUpperCase(), ...PROTOTYPE_NAMES];
  }
  const byName: Record<string, readonly string[]> = {
    SIZE: ['12X', '0', '-1', '', '1000', '256G', '99999999999999999999T', '0x', 'size=', ...PROTOTYPE_NAMES],
    SECONDS: ['0', '-1', 'abc', '', 'NaN', 'Infinity', '1e999', ...PROTOTYPE_NAMES],
    MODEL: ['cortex-a53', '', ...PROTOTYPE_NAMES],
    GLOB: [''],
    'ITEM[,ITEM...]': ['nosuch', 'trace:', '', 'guest_errors,nosuch', ...PROTOTYPE_NAMES],
    'TYPE[,dumpdtb=FILE][,platform-bus-size=SIZE][,platform-bus-node=NAME]': [
      'nosuch',
      '',
      'virt,nosuch=1',
      'virt,platform-bus-size=1X',
      'virt,platform-bus-size=1G',
      'virt,platform-bus-node=x',
      'virt,gic-version=3',
      'virt,dumpdtb=/nonexistent/dir/x.dtb',
      ...PROTOTYPE_NAMES,
      ...PROTOTYPE_NAMES.map((n) => `virt,${n}`),
    ],
    'stdio|mon:stdio|null|memory|file:PATH': [
      'tcp:127.0.0.1:1',
      '',
      'file:',
      'mon:',
      'mon:null',
      'file:/nonexistent/dir/out',
      `file:${context.dir}`,
      `file:${context.fifo}`,
      ...PROTOTYPE_NAMES,
    ],
    'linux|fake:HOST.json': ['nosuch', '', 'fake:', 'Linux', ...PROTOTYPE_NAMES],
    'qtree|mtree|mtree-f|irq|vfio': ['nosuch', '', ...PROTOTYPE_NAMES],
    'tcp:[HOST]:PORT|unix:PATH': ['tcp::99999', 'tcp::-1', 'tcp:', 'udp::1234', '', 'unix:', 'tcp::12ab', 'unix:/nonexistent/dir/gdb.sock', ...PROTOTYPE_NAMES],
    'TYPE[,PROP=VALUE...]': [], // device-cases.ts
    FILE: [], // file-cases.ts
    TEXT: [], // any text is a kernel command line
  };
  const values = byName[placeholder];
  if (values === undefined) throw new Error(`crash-test: no bad values for flags taking ${placeholder}: add them to flag-cases.ts`);
  return values;
}

/** The output flag writes where it is told: these places cannot take a DTB. */
const BAD_OUTPUTS = (context: CaseContext) => ['/nonexistent/dir/x.dtb', context.dir, ''];

export function flagCases(context: CaseContext): CrashCase[] {
  const cases: CrashCase[] = [];
  for (const flag of FLAGS) {
    const name = flag.names[0]!;
    const spelled = `${name.length === 1 ? '-' : '--'}${name}`;
    if (flag.value === undefined) {
      cases.push({ family: 'flags', name: `${spelled}=1`, args: [`${spelled}=1`], culprits: [spelled], ci: true });
      continue;
    }
    cases.push({ family: 'flags', name: `${spelled} without its value`, args: [spelled], culprits: [spelled], ci: true });
    const values = name === 'o' ? BAD_OUTPUTS(context) : badValues(flag.value, context);
    for (const { value, ci } of sampled(values, 3)) {
      const args = name === 'o' ? ['dumpdtb', '-o', value] : name === 'info' ? ['--info', value] : commandFor(name, value, context);
      // A value that names a file or backend may be named by itself: `character backend 'file:/x': ...`.
      const culprits = name === 'o' || value.includes('dumpdtb=') ? ['DTB'] : value.length > 2 ? [spelled, `'${value}'`] : [spelled];
      cases.push({ family: 'flags', name: `${spelled} ${JSON.stringify(value)}`, args, culprits, ci });
    }
  }
  for (const { value, ci } of sampled(['--nosuch', ...PROTOTYPE_NAMES.map((n) => `--${n}`), '---m', '--=x'], 3)) {
    cases.push({ family: 'flags', name: value, args: [value], culprits: [value], ci });
  }
  return cases;
}

/**
 * `FLAG VALUE` in a run with a kernel that powers off, a null serial and a short virtual timeout, each unless
 * it is the flag under test: a value taken by mistake then ends quickly, and is reported as accepted.
 */
function commandFor(name: string, value: string, context: CaseContext): string[] {
  const spelled = `${name.length === 1 ? '-' : '--'}${name}`;
  const defaults: [string, string[]][] = [
    ['kernel', ['-kernel', context.kernel]],
    ['serial', ['-serial', 'null']],
    ['clock', ['--clock', 'deterministic']],
    ['timeout', ['--timeout', '1']],
  ];
  return [spelled, value, ...defaults.filter(([key]) => key !== name).flatMap(([, args]) => args)];
}

// The layers of src/, devices/ and machines/, lowest first, and the check that every import points down them
// (docs/layers.md says why each directory sits where it does).
import { expect } from 'chai';
import { identifiersMatching, layerViolations, readSources, type LayerTable } from './support/layer-check.js';
import { PROJECT_ROOT } from '../src/project-paths.js';

type Layer = 'base' | 'core' | 'devices' | 'machines' | 'vmm';

const LAYERS: LayerTable<Layer> = {
  order: ['base', 'core', 'devices', 'machines', 'vmm'],
  places: {
    // base: helpers that know nothing of a machine.
    'src/util/': 'base',
    'src/trace/': 'base',
    'src/fdt/': 'base',
    'src/chardev/': 'base',
    'src/files/': 'base',
    'src/config/': 'base',
    'src/project-paths.ts': 'base',
    'src/firmware-path.ts': 'base',
    // core: what devices are built from.
    'src/core/': 'core',
    'src/cpu/': 'core',
    'src/memory/': 'core',
    'src/qom/': 'core',
    'src/regs/': 'core',
    'src/loader/': 'core',
    'src/vfio/': 'core',
    'src/testing/': 'core',
    'devices/': 'devices',
    'machines/': 'machines',
    // vmm: what runs a machine for a user.
    'src/vmm/': 'vmm',
    'src/cli/': 'vmm',
    'src/gdb/': 'vmm',
    'src/monitor/': 'vmm',
  },
  forbidden: [
    { from: 'src/qom/', to: 'src/vfio/', why: 'the object model knows nothing of passthrough' },
    { from: 'src/vfio/', to: 'src/qom/', why: 'the VFIO host API serves any VMM, not only its object model' },
    { from: 'src/vmm/config.ts', to: 'machines/virt/', why: 'a machine type says what fits it; the config does not know one' },
  ],
};

describe('layers', () => {
  const sources = readSources(PROJECT_ROOT, ['src', 'devices', 'machines']);

  it('every import of src/, devices/ and machines/ points down the layers, along no forbidden edge', () => {
    expect(sources.length).to.be.greaterThan(100);
    expect(layerViolations(LAYERS, sources)).to.deep.equal([]);
  });

  it('the object model names nothing of VFIO, passthrough or the virt machine', () => {
    const qom = sources.filter((file) => file.path.startsWith('src/qom/'));
    expect(qom.length).to.be.above(0);
    expect(qom.flatMap((file) => identifiersMatching(file, /vfio|passthrough|virt(?![a-z])|VIRT_/i))).to.deep.equal([]);
  });

  describe('the check', () => {
    const table: LayerTable<'low' | 'high'> = {
      order: ['low', 'high'],
      places: { 'low/': 'low', 'high/': 'high', 'low/odd.ts': 'high' },
      forbidden: [{ from: 'high/a', to: 'high/b', why: 'a and b stay apart' }],
    };

    it('names the file, the line, the import and both layers of an import up the layers', () => {
      const files = [{ path: 'low/x.ts', text: "// a file\nimport { y } from '../high/y.js';\n" }];
      expect(layerViolations(table, files)).to.deep.equal(["low/x.ts:2 imports '../high/y.js': low must not import from high, a higher layer"]);
    });

    it('counts import type, export from, side-effect and dynamic imports, and nothing in a comment or string', () => {
      const text = [
        "import type { A } from '../high/a.js';",
        "export { B } from '../high/b.js';",
        "import '../high/c.js';",
        "const d = await import('../high/d.js');",
        "// import { e } from '../high/e.js';",
        'const f = "import { f } from \'../high/f.js\'";',
        "import { g } from './g.js';",
        "import { readFileSync } from 'node:fs';",
      ].join('\n');
      const problems = layerViolations(table, [{ path: 'low/x.ts', text }]);
      expect(problems.map((line) => line.split(':')[1]?.split(' ')[0])).to.deep.equal(['1', '2', '3', '4']);
    });

    it('places a file by its longest prefix, so one file can sit apart from its directory', () => {
      expect(layerViolations(table, [{ path: 'low/odd.ts', text: "import { y } from '../high/y.js';" }])).to.deep.equal([]);
      expect(layerViolations(table, [{ path: 'low/x.ts', text: "import { y } from './odd.js';" }])).to.have.length(1);
    });

    it('refuses a forbidden edge inside a layer, and a file the table does not place', () => {
      const problems = layerViolations(table, [
        { path: 'high/a.ts', text: "import { b } from './b.js';" },
        { path: 'nowhere/n.ts', text: '' },
        { path: 'low/x.ts', text: "import { n } from '../nowhere/n.js';" },
      ]);
      expect(problems).to.deep.equal([
        "high/a.ts:1 imports './b.js': high/a must not import high/b (a and b stay apart)",
        'nowhere/n.ts: not in the layer table; give its directory a layer',
        "low/x.ts:1 imports '../nowhere/n.js': nowhere/n.ts is not in the layer table",
      ]);
    });

    it('finds identifiers, not words in comments or strings', () => {
      const file = { path: 'q.ts', text: "// vfio\nconst s = 'vfio';\ninterface C { vfio?: object }\n" };
      expect(identifiersMatching(file, /vfio/i)).to.deep.equal(['q.ts:3 vfio']);
    });
  });
});

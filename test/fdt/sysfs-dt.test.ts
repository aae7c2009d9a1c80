import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdtWriter, findNode, getCells, getString, getStringList, getU32, readDtDirectory, readDtb } from '../../src/fdt/index.js';
import { dtcDecompile } from '../support/dtc.js';
import { expectError } from './expect-error.js';

function cells(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v, i * 4));
  return b;
}

function str(...list: string[]): Buffer {
  return Buffer.from(list.map((s) => `${s}\0`).join(''), 'latin1');
}

describe('readDtDirectory', () => {
  let base: string;
  let tree: string;

  /** A /proc/device-tree lookalike: property files of raw big-endian bytes, node subdirectories, 'name' files. */
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'armvirt-sysfs-dt-'));
    tree = join(base, 'device-tree');
    const files: Record<string, Buffer> = {
      name: str(''),
      compatible: str('linux,dummy-virt'),
      '#address-cells': cells(2),
      '#size-cells': cells(2),
      'memory@40000000/name': str('memory'),
      'memory@40000000/device_type': str('memory'),
      'memory@40000000/reg': cells(0, 0x40000000, 0, 0x8000000),
      'soc/name': str('soc'),
      'soc/ranges': Buffer.alloc(0),
      'soc/ethernet@ff0c0000/name': str('ethernet'),
      'soc/ethernet@ff0c0000/compatible': str('cdns,zynqmp-gem', 'cdns,gem'),
      'soc/ethernet@ff0c0000/reg': cells(0, 0xff0c0000, 0, 0x1000),
      'soc/ethernet@ff0c0000/phandle': cells(0x1f),
      'soc/ethernet@ff0c0000/local-mac-address': Buffer.from([0x52, 0x54, 0, 0x12, 0x34, 0x56]),
      'chosen/name': str('chosen'),
      'chosen/bootargs': str('console=ttyAMA0'),
    };
    for (const [path, data] of Object.entries(files)) {
      mkdirSync(join(tree, path, '..'), { recursive: true });
      writeFileSync(join(tree, path), data);
    }
  });

  after(() => rmSync(base, { recursive: true, force: true }));

  it('reads the directory as the root node, with property values as raw bytes', () => {
    const root = readDtDirectory(tree);
    expect(root.name).to.equal('');
    expect(root.path).to.equal('/');
    expect(getStringList(root, 'compatible')).to.deep.equal(['linux,dummy-virt']);
    expect(getU32(root, '#address-cells')).to.equal(2);
    const memory = findNode(root, '/memory@40000000');
    expect(memory && getCells(memory, 'reg')).to.deep.equal([0, 0x40000000, 0, 0x8000000]);
    expect(memory && getString(memory, 'device_type')).to.equal('memory');
    const eth = findNode(root, '/soc/ethernet@ff0c0000');
    expect(eth?.properties.get('local-mac-address')).to.deep.equal(Uint8Array.of(0x52, 0x54, 0, 0x12, 0x34, 0x56));
    expect(findNode(root, '/soc')?.properties.get('ranges')).to.deep.equal(new Uint8Array(0));
  });

  it('sorts properties and children by name, since readdir order is arbitrary', () => {
    const root = readDtDirectory(tree);
    expect([...root.properties.keys()]).to.deep.equal(['#address-cells', '#size-cells', 'compatible']);
    expect(root.children.map((c) => c.path)).to.deep.equal(['/chosen', '/memory@40000000', '/soc']);
  });

  it("drops the kernel-made 'name' property unless asked to keep it", () => {
    expect(findNode(readDtDirectory(tree), '/chosen')?.properties.has('name')).to.equal(false);
    const kept = readDtDirectory(tree, { keepNameProperty: true });
    const chosen = findNode(kept, '/chosen');
    expect(chosen && getString(chosen, 'name')).to.equal('chosen');
  });

  it('reads one node below the root under the path given by nodePath', () => {
    const eth = readDtDirectory(join(tree, 'soc', 'ethernet@ff0c0000'), { nodePath: '/soc/ethernet@ff0c0000' });
    expect(eth.name).to.equal('ethernet@ff0c0000');
    expect(eth.path).to.equal('/soc/ethernet@ff0c0000');
    expect(getU32(eth, 'phandle')).to.equal(0x1f);
    const soc = readDtDirectory(join(tree, 'soc'), { nodePath: '/soc' });
    expect(soc.children[0]?.path).to.equal('/soc/ethernet@ff0c0000');
  });

  it('follows a symlink to the tree, as /proc/device-tree is one', () => {
    const link = join(base, 'link');
    symlinkSync(tree, link);
    expect(readDtDirectory(link)).to.deep.equal(readDtDirectory(tree));
  });

  it('gives a tree FdtWriter can copy into a DTB that dtc reads cleanly', () => {
    const root = readDtDirectory(tree);
    const w = new FdtWriter();
    w.reservePhandle(0x1f);
    w.appendNode(root);
    const dtb = w.finish();
    expect(readDtb(dtb).root).to.deep.equal(root);
    const dtc = dtcDecompile(dtb);
    expect(dtc.status).to.equal(0);
    expect(dtc.stdout).to.contain('compatible = "cdns,zynqmp-gem\\0cdns,gem";');
  });

  describe('errors', () => {
    it('names a path that does not exist', () => {
      const missing = join(base, 'missing');
      expect(() => readDtDirectory(missing)).to.throw(`readDtDirectory: cannot read '${missing}': ENOENT`);
    });

    it('names a path that is a file, not a directory', () => {
      const file = join(tree, 'compatible');
      expectError(() => readDtDirectory(file), `readDtDirectory: '${file}' is not a directory`);
    });

    it('rejects a nodePath that is not absolute', () => {
      expectError(() => readDtDirectory(tree, { nodePath: 'soc' }), "readDtDirectory: nodePath 'soc' must start with '/'");
    });

    it('never leaves the root: a symlink out of it, to a file or a directory, is refused, not followed', () => {
      const dir = join(base, 'escaping');
      const node = join(dir, 'node');
      mkdirSync(node, { recursive: true });
      mkdirSync(join(dir, 'elsewhere'));
      writeFileSync(join(dir, 'elsewhere', 'secret'), 'host file\n');
      symlinkSync(join(dir, 'elsewhere', 'secret'), join(node, 'secret'));
      expectError(() => readDtDirectory(node), `readDtDirectory: cannot read '${join(node, 'secret')}': '${join(node, 'secret')}' leads outside '${node}'`);
      rmSync(join(node, 'secret'));
      symlinkSync(join(dir, 'elsewhere'), join(node, 'child'));
      expectError(() => readDtDirectory(node), `readDtDirectory: cannot read '${join(node, 'child')}': '${join(node, 'child')}' leads outside '${node}'`);
      // A wider root takes in what lies inside it; a start outside the root is refused too.
      expect(findNode(readDtDirectory(node, { root: dir }), '/child')?.properties.get('secret')).to.deep.equal(new Uint8Array(Buffer.from('host file\n')));
      expectError(() => readDtDirectory(tree, { root: dir }), `readDtDirectory: cannot read '${tree}': '${tree}' leads outside '${dir}'`);
    });

    it('names an entry that is neither a file nor a directory', () => {
      const dir = join(base, 'with-fifo');
      mkdirSync(dir);
      const fifo = join(dir, 'fifo');
      const made = spawnSync('mkfifo', [fifo]);
      expect(made.status, 'mkfifo').to.equal(0);
      expectError(() => readDtDirectory(dir), `readDtDirectory: '${fifo}' is neither a property file nor a node directory`);
    });
  });
});

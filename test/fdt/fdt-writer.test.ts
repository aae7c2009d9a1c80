import { expect } from 'chai';
import { FdtWriter, findByPhandle, findNode, getCells, getString, getStringList, getU32, readDtb, type FdtNode } from '../../src/fdt/index.js';
import { expectError } from './expect-error.js';

const NODE_CHARS = ': allowed characters are A-Z a-z 0-9 , . _ + - and one @ before the unit address';
const PROPERTY_CHARS = ': allowed characters are A-Z a-z 0-9 , . _ + ? # -';

/** Opens root, runs `body`, closes root and parses the result. */
function roundTrip(body: (w: FdtWriter) => void): FdtNode {
  const w = new FdtWriter();
  w.beginNode('');
  body(w);
  w.endNode();
  return readDtb(w.finish()).root;
}

function u32At(bytes: Uint8Array, off: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(off, false);
}

describe('FdtWriter', () => {
  describe('round trip through readDtb', () => {
    it('keeps an empty property as a zero-length value', () => {
      const root = roundTrip((w) => w.propertyEmpty('interrupt-controller'));
      expect(root.properties.get('interrupt-controller')).to.deep.equal(new Uint8Array(0));
    });

    it('stores propertyU32 as one big-endian cell', () => {
      const root = roundTrip((w) => w.propertyU32('#address-cells', 0x12345678));
      expect(root.properties.get('#address-cells')).to.deep.equal(Uint8Array.of(0x12, 0x34, 0x56, 0x78));
      expect(getU32(root, '#address-cells')).to.equal(0x12345678);
    });

    it('stores propertyU64 as two cells, high word first', () => {
      const root = roundTrip((w) => w.propertyU64('linux,initrd-start', 0x1234_5678_9abc_def0n));
      expect(getCells(root, 'linux,initrd-start')).to.deep.equal([0x12345678, 0x9abcdef0]);
    });

    it('stores the largest values of propertyU32, propertyU64 and propertyCells', () => {
      const root = roundTrip((w) => {
        w.propertyU32('a', 0xffffffff);
        w.propertyU64('b', 0xffff_ffff_ffff_ffffn);
        w.propertyCells('c', [0, 0xffffffff]);
      });
      expect(getU32(root, 'a')).to.equal(0xffffffff);
      expect(getCells(root, 'b')).to.deep.equal([0xffffffff, 0xffffffff]);
      expect(getCells(root, 'c')).to.deep.equal([0, 0xffffffff]);
    });

    it('stores propertyCells as consecutive big-endian cells', () => {
      const root = roundTrip((w) => w.propertyCells('reg', [0, 0x40000000, 0, 0x8000000]));
      expect(getCells(root, 'reg')).to.deep.equal([0, 0x40000000, 0, 0x8000000]);
      expect(root.properties.get('reg')?.length).to.equal(16);
    });

    it('stores an empty cell list as an empty property', () => {
      const root = roundTrip((w) => w.propertyCells('ranges', []));
      expect(root.properties.get('ranges')?.length).to.equal(0);
    });

    it('stores propertyString NUL-terminated, UTF-8 encoded', () => {
      const root = roundTrip((w) => {
        w.propertyString('bootargs', 'console=ttyAMA0 root=/dev/vda');
        w.propertyString('label', 'caf\u00e9');
        w.propertyString('empty', '');
      });
      expect(getString(root, 'bootargs')).to.equal('console=ttyAMA0 root=/dev/vda');
      expect(root.properties.get('bootargs')?.at(-1)).to.equal(0);
      expect(getString(root, 'label')).to.equal('caf\u00e9');
      expect(root.properties.get('empty')).to.deep.equal(Uint8Array.of(0));
    });

    it('stores propertyStringList as back-to-back NUL-terminated strings', () => {
      const root = roundTrip((w) => w.propertyStringList('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']));
      expect(getStringList(root, 'compatible')).to.deep.equal(['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
      expect(new TextDecoder().decode(root.properties.get('compatible'))).to.equal('arm,psci-1.0\0arm,psci-0.2\0arm,psci\0');
    });

    it('stores raw property bytes unchanged, padding only in the blob', () => {
      const root = roundTrip((w) => w.property('mac-address', Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56)));
      expect(root.properties.get('mac-address')).to.deep.equal(Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56));
    });

    it('keeps property and child order and builds full paths', () => {
      const root = roundTrip((w) => {
        w.propertyU32('z', 1);
        w.propertyU32('a', 2);
        w.beginNode('soc');
        w.beginNode('uart@9000000');
        w.endNode();
        w.beginNode('gpio@9030000');
        w.endNode();
        w.endNode();
      });
      expect([...root.properties.keys()]).to.deep.equal(['z', 'a']);
      expect(root.name).to.equal('');
      expect(root.path).to.equal('/');
      const soc = findNode(root, '/soc');
      expect(soc?.children.map((c) => c.path)).to.deep.equal(['/soc/uart@9000000', '/soc/gpio@9030000']);
    });

    it('lets two siblings hold a child of the same name', () => {
      const root = roundTrip((w) => {
        for (const parent of ['a', 'b']) {
          w.beginNode(parent);
          w.beginNode('child');
          w.endNode();
          w.endNode();
        }
      });
      expect(findNode(root, '/a/child')).to.not.equal(undefined);
      expect(findNode(root, '/b/child')).to.not.equal(undefined);
    });
  });

  it('lists the paths of the nodes written with a compatible string, in order, whichever way it was written', () => {
    const w = new FdtWriter();
    w.beginNode('');
    w.beginNode('bus');
    w.beginNode('serial@0');
    w.property('compatible', new TextEncoder().encode('arm,pl011\0arm,primecell\0'));
    w.endNode();
    w.endNode();
    w.beginNode('pl011@9000000');
    w.propertyStringList('compatible', ['arm,pl011', 'arm,primecell']);
    w.endNode();
    w.beginNode('rtc');
    w.propertyString('compatible', 'arm,pl031');
    w.endNode();
    expect(w.pathsCompatibleWith('arm,pl011')).to.deep.equal(['/bus/serial@0', '/pl011@9000000']);
    expect(w.pathsCompatibleWith('arm,primecell')).to.have.length(2);
    expect(w.pathsCompatibleWith('arm,pl0')).to.deep.equal([]);
  });

  describe('blob layout', () => {
    function simpleBlob(opts?: { bootCpuId?: number }): Uint8Array {
      const w = new FdtWriter(opts);
      w.addMemoryReservation(0x1000n, 0x2000n);
      w.beginNode('');
      w.propertyString('compatible', 'a');
      w.beginNode('n');
      w.propertyString('compatible', 'b');
      w.endNode();
      w.endNode();
      return w.finish();
    }

    it('writes a version 17 header that describes the blob', () => {
      const dtb = simpleBlob({ bootCpuId: 3 });
      expect(u32At(dtb, 0)).to.equal(0xd00dfeed);
      expect(u32At(dtb, 4)).to.equal(dtb.length);
      expect(u32At(dtb, 20)).to.equal(17);
      expect(u32At(dtb, 24)).to.equal(16);
      expect(u32At(dtb, 28)).to.equal(3);
      const offStruct = u32At(dtb, 8);
      const offStrings = u32At(dtb, 12);
      expect(offStruct + u32At(dtb, 36)).to.equal(offStrings);
      expect(offStrings + u32At(dtb, 32)).to.equal(dtb.length);
      expect(readDtb(dtb).bootCpuId).to.equal(3);
    });

    it('aligns the reservation block to 8 bytes and the structure block to 4', () => {
      const dtb = simpleBlob();
      expect(u32At(dtb, 16) % 8).to.equal(0);
      expect(u32At(dtb, 8) % 4).to.equal(0);
      expect(u32At(dtb, 36) % 4).to.equal(0);
    });

    it('ends the structure block with FDT_END', () => {
      const dtb = simpleBlob();
      expect(u32At(dtb, u32At(dtb, 8) + u32At(dtb, 36) - 4)).to.equal(9);
    });

    it('stores each property name once in the strings block', () => {
      const dtb = simpleBlob();
      const strings = new TextDecoder().decode(dtb.subarray(u32At(dtb, 12)));
      expect(strings).to.equal('compatible\0');
    });

    it('defaults boot_cpuid_phys to 0', () => {
      expect(readDtb(simpleBlob()).bootCpuId).to.equal(0);
    });
  });

  describe('memory reservations', () => {
    it('writes each range and reads them back in order', () => {
      const w = new FdtWriter();
      w.addMemoryReservation(0x4000_0000n, 0x1000n);
      w.addMemoryReservation(0xffff_ffff_0000_0000n, 0xffff_ffffn);
      w.beginNode('');
      w.endNode();
      expect(readDtb(w.finish()).reservations).to.deep.equal([
        { address: 0x4000_0000n, size: 0x1000n },
        { address: 0xffff_ffff_0000_0000n, size: 0xffff_ffffn },
      ]);
    });

    it('writes only the terminating entry when there are none', () => {
      const w = new FdtWriter();
      w.beginNode('');
      w.endNode();
      const dtb = w.finish();
      expect(readDtb(dtb).reservations).to.deep.equal([]);
      expect(u32At(dtb, 8) - u32At(dtb, 16)).to.equal(16);
    });
  });

  describe('phandles', () => {
    it('allocates from 1 upwards', () => {
      const w = new FdtWriter();
      expect([w.allocPhandle(), w.allocPhandle(), w.allocPhandle()]).to.deep.equal([1, 2, 3]);
    });

    it('skips reserved phandles', () => {
      const w = new FdtWriter();
      w.reservePhandle(1);
      w.reservePhandle(3);
      w.reservePhandle(3);
      expect([w.allocPhandle(), w.allocPhandle(), w.allocPhandle()]).to.deep.equal([2, 4, 5]);
    });

    it('skips phandles already written as a phandle property', () => {
      const w = new FdtWriter();
      w.beginNode('');
      w.propertyU32('phandle', 1);
      expect(w.allocPhandle()).to.equal(2);
    });

    it('writes references that findByPhandle resolves, forward ones included', () => {
      const w = new FdtWriter();
      const gic = w.allocPhandle();
      w.beginNode('');
      w.propertyPhandle('interrupt-parent', gic);
      w.beginNode('intc@8000000');
      w.propertyU32('phandle', gic);
      w.endNode();
      w.endNode();
      const root = readDtb(w.finish()).root;
      const parent = getU32(root, 'interrupt-parent');
      expect(parent).to.equal(gic);
      expect(findByPhandle(root, parent as number)?.path).to.equal('/intc@8000000');
    });

    it('accepts phandle and linux,phandle with the same value on one node', () => {
      const root = roundTrip((w) => {
        w.beginNode('clk');
        w.propertyU32('linux,phandle', 5);
        w.propertyU32('phandle', 5);
        w.endNode();
      });
      expect(findByPhandle(root, 5)?.path).to.equal('/clk');
    });
  });

  describe('appendNode', () => {
    it('rewrites a parsed tree to the same bytes', () => {
      const w = new FdtWriter({ bootCpuId: 1 });
      w.addMemoryReservation(0x1000n, 0x1000n);
      w.beginNode('');
      w.propertyStringList('compatible', ['x', 'y']);
      w.beginNode('a@1');
      w.propertyCells('reg', [1]);
      w.propertyEmpty('flag');
      w.beginNode('b');
      w.endNode();
      w.endNode();
      w.endNode();
      const original = w.finish();

      const parsed = readDtb(original);
      const copy = new FdtWriter({ bootCpuId: parsed.bootCpuId });
      for (const r of parsed.reservations) copy.addMemoryReservation(r.address, r.size);
      copy.appendNode(parsed.root);
      expect(copy.finish()).to.deep.equal(original);
    });
  });

  describe('errors', () => {
    /** A writer with the root open, for errors inside a node. */
    function inRoot(): FdtWriter {
      const w = new FdtWriter();
      w.beginNode('');
      return w;
    }

    it('rejects finish while a node is still open, naming the innermost one', () => {
      const w = inRoot();
      w.beginNode('a');
      w.beginNode('b');
      expectError(() => w.finish(), "FdtWriter.finish: node '/a/b' was never closed");
    });

    it('rejects finish while only the root is open', () => {
      expectError(() => inRoot().finish(), "FdtWriter.finish: node '/' was never closed");
    });

    it('rejects finish without a root node', () => {
      expectError(() => new FdtWriter().finish(), 'FdtWriter.finish: no root node was written');
    });

    it('rejects endNode with no open node', () => {
      const w = inRoot();
      w.endNode();
      expectError(() => w.endNode(), 'FdtWriter.endNode: no open node to close');
      expectError(() => new FdtWriter().endNode(), 'FdtWriter.endNode: no open node to close');
    });

    it('rejects a property before the root node', () => {
      expectError(() => new FdtWriter().propertyU32('x', 1), "FdtWriter.propertyU32: property 'x' is outside any node (call beginNode first)");
    });

    it('rejects a property after the root node is closed', () => {
      const w = inRoot();
      w.endNode();
      expectError(() => w.propertyString('x', 'y'), "FdtWriter.propertyString: property 'x' is outside any node (the root node is already closed)");
    });

    it('rejects a first node that is not the root', () => {
      expectError(() => new FdtWriter().beginNode('a'), "FdtWriter.beginNode: the first node must be the root, named '' (got 'a')");
    });

    it('rejects a second root', () => {
      const w = inRoot();
      w.endNode();
      expectError(() => w.beginNode(''), "FdtWriter.beginNode: the root node is already closed; a tree has one root (got '')");
    });

    it('rejects a duplicate property in one node', () => {
      const w = inRoot();
      w.beginNode('a');
      w.propertyU32('x', 1);
      expectError(() => w.propertyCells('x', [2]), "FdtWriter.propertyCells: node '/a' already has a property 'x'");
    });

    it('rejects a duplicate child node name', () => {
      const w = inRoot();
      w.beginNode('a');
      w.endNode();
      expectError(() => w.beginNode('a'), "FdtWriter.beginNode: node '/' already has a child named 'a'");
    });

    it('rejects a property after a child node', () => {
      const w = inRoot();
      w.beginNode('a');
      w.endNode();
      expectError(
        () => w.propertyEmpty('late'),
        "FdtWriter.propertyEmpty: property 'late' of node '/' comes after a child node; properties must precede children",
      );
    });

    it('rejects node names with characters outside the spec set', () => {
      const w = inRoot();
      w.beginNode('soc');
      expectError(() => w.beginNode('uart 0'), `FdtWriter.beginNode: invalid node name 'uart 0' under '/soc'${NODE_CHARS}`);
      expectError(() => w.beginNode('a#b'), `FdtWriter.beginNode: invalid node name 'a#b' under '/soc'${NODE_CHARS}`);
      expectError(() => w.beginNode('a/b'), `FdtWriter.beginNode: invalid node name 'a/b' under '/soc'${NODE_CHARS}`);
    });

    it('rejects node names with more than one @ or an empty part around it', () => {
      const w = inRoot();
      expectError(() => w.beginNode('a@1@2'), "FdtWriter.beginNode: invalid node name 'a@1@2' under '/': it has more than one '@'");
      expectError(() => w.beginNode('a@'), "FdtWriter.beginNode: invalid node name 'a@' under '/': the part before or after '@' is empty");
      expectError(() => w.beginNode('@1'), "FdtWriter.beginNode: invalid node name '@1' under '/': the part before or after '@' is empty");
    });

    it('rejects an empty name below the root', () => {
      expectError(() => inRoot().beginNode(''), "FdtWriter.beginNode: invalid node name '' under '/': it is empty (only the root node has an empty name)");
    });

    it('accepts every character the spec allows in names', () => {
      const root = roundTrip((w) => {
        w.propertyEmpty('aZ09,._+?#-');
        w.beginNode('aZ09,._+-@fe,._+-0');
        w.endNode();
      });
      expect(root.properties.has('aZ09,._+?#-')).to.equal(true);
      expect(root.children[0]?.name).to.equal('aZ09,._+-@fe,._+-0');
    });

    it('rejects property names with characters outside the spec set', () => {
      const w = inRoot();
      expectError(() => w.propertyU32('bad name', 1), `FdtWriter.propertyU32: invalid property name 'bad name' in node '/'${PROPERTY_CHARS}`);
      expectError(() => w.propertyEmpty('a@b'), `FdtWriter.propertyEmpty: invalid property name 'a@b' in node '/'${PROPERTY_CHARS}`);
      expectError(() => w.property('', new Uint8Array(0)), "FdtWriter.property: invalid property name '' in node '/': it is empty");
    });

    it('rejects cells that are not 32-bit unsigned integers', () => {
      const w = inRoot();
      w.beginNode('dev');
      expectError(
        () => w.propertyCells('reg', [0, 0x1_0000_0000]),
        "FdtWriter.propertyCells: cell 1 of property 'reg' in node '/dev' is 4294967296, not a 32-bit unsigned integer",
      );
      expectError(() => w.propertyCells('reg', [-1]), "FdtWriter.propertyCells: cell 0 of property 'reg' in node '/dev' is -1, not a 32-bit unsigned integer");
      expectError(
        () => w.propertyCells('reg', [1.5]),
        "FdtWriter.propertyCells: cell 0 of property 'reg' in node '/dev' is 1.5, not a 32-bit unsigned integer",
      );
      expectError(
        () => w.propertyCells('reg', [Number.NaN]),
        "FdtWriter.propertyCells: cell 0 of property 'reg' in node '/dev' is NaN, not a 32-bit unsigned integer",
      );
    });

    it('rejects a propertyU32 value that is not a 32-bit unsigned integer', () => {
      expectError(
        () => inRoot().propertyU32('x', 2 ** 32),
        "FdtWriter.propertyU32: value of property 'x' in node '/' is 4294967296, not a 32-bit unsigned integer",
      );
    });

    it('rejects a propertyU64 value that is not a 64-bit unsigned integer', () => {
      const w = inRoot();
      expectError(
        () => w.propertyU64('x', 1n << 64n),
        "FdtWriter.propertyU64: value of property 'x' in node '/' is 18446744073709551616, not a 64-bit unsigned integer",
      );
      expectError(() => w.propertyU64('x', -1n), "FdtWriter.propertyU64: value of property 'x' in node '/' is -1, not a 64-bit unsigned integer");
    });

    it('rejects strings containing NUL', () => {
      const w = inRoot();
      expectError(
        () => w.propertyString('model', 'a\0b'),
        "FdtWriter.propertyString: property 'model' in node '/' contains a NUL character, which would end the string early",
      );
      expectError(
        () => w.propertyStringList('compatible', ['ok', 'bad\0']),
        "FdtWriter.propertyStringList: string 1 of property 'compatible' in node '/' contains a NUL character, which would split it in two",
      );
    });

    it('rejects phandle references outside 1..0xfffffffe', () => {
      const w = inRoot();
      expectError(
        () => w.propertyPhandle('interrupt-parent', 0),
        "FdtWriter.propertyPhandle: property 'interrupt-parent' in node '/' refers to phandle 0, outside 1..0xfffffffe",
      );
      expectError(
        () => w.propertyPhandle('interrupt-parent', 0xffffffff),
        "FdtWriter.propertyPhandle: property 'interrupt-parent' in node '/' refers to phandle 4294967295, outside 1..0xfffffffe",
      );
    });

    it('rejects two nodes with the same phandle', () => {
      const w = inRoot();
      w.beginNode('a');
      w.propertyU32('phandle', 7);
      w.endNode();
      w.beginNode('b');
      expectError(() => w.propertyU32('phandle', 7), "FdtWriter.propertyU32: phandle 0x7 of node '/b' is already used by node '/a'");
    });

    it('rejects a phandle property that is not one valid cell', () => {
      const w = inRoot();
      expectError(() => w.propertyCells('phandle', [1, 2]), "FdtWriter.propertyCells: property 'phandle' in node '/' must be one cell, got 8 bytes");
      expectError(() => w.propertyU32('phandle', 0), "FdtWriter.propertyU32: phandle 0 of node '/' is outside 1..0xfffffffe");
    });

    it('rejects reserving a phandle already handed out or out of range', () => {
      const w = new FdtWriter();
      const p = w.allocPhandle();
      expectError(() => w.reservePhandle(p), 'FdtWriter.reservePhandle: phandle 1 was already handed out by allocPhandle');
      expectError(() => w.reservePhandle(0), 'FdtWriter.reservePhandle: phandle 0 is outside 1..0xfffffffe');
    });

    it('rejects bad memory reservations', () => {
      const w = new FdtWriter();
      expectError(
        () => w.addMemoryReservation(0x1000n, 0n),
        'FdtWriter.addMemoryReservation: size of the range at 0x1000 is zero; a zero size ends the reservation list',
      );
      expectError(() => w.addMemoryReservation(-1n, 1n), 'FdtWriter.addMemoryReservation: address -1 is not a 64-bit unsigned integer');
      expectError(() => w.addMemoryReservation(0n, 1n << 64n), 'FdtWriter.addMemoryReservation: size 18446744073709551616 is not a 64-bit unsigned integer');
      expectError(
        () => w.addMemoryReservation(0xffff_ffff_ffff_f000n, 0x2000n),
        'FdtWriter.addMemoryReservation: range 0xfffffffffffff000 + 0x2000 goes past the 64-bit address space',
      );
    });

    it('rejects a boot CPU id that is not a 32-bit unsigned integer', () => {
      expectError(() => new FdtWriter({ bootCpuId: -1 }), 'FdtWriter: bootCpuId -1 is not a 32-bit unsigned integer');
    });

    it('rejects any call after finish', () => {
      const w = inRoot();
      w.endNode();
      w.finish();
      expectError(() => w.finish(), 'FdtWriter.finish: finish() was already called');
      expectError(() => w.beginNode(''), 'FdtWriter.beginNode: finish() was already called');
      expectError(() => w.propertyU32('x', 1), 'FdtWriter.propertyU32: finish() was already called');
      expectError(() => w.addMemoryReservation(0n, 1n), 'FdtWriter.addMemoryReservation: finish() was already called');
    });
  });
});

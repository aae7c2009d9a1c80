import { expect } from 'chai';
import { FdtWriter, findByCompatible, findByPhandle, findNode, getCells, getString, getStringList, getU32, parseDtb, readDtb } from '../../src/fdt/index.js';
import { dtcCompile } from '../support/dtc.js';
import { expectError } from './expect-error.js';
import { buildVirtTree } from './virt-tree.js';

/** Root with one u32 property 'a' (its FDT_PROP at struct offset 8) and an empty child 'c'. */
function smallBlob(): Uint8Array {
  const w = new FdtWriter();
  w.beginNode('');
  w.propertyU32('a', 1);
  w.beginNode('c');
  w.endNode();
  w.endNode();
  return w.finish();
}

function header(dtb: Uint8Array, off: number): number {
  return new DataView(dtb.buffer, dtb.byteOffset).getUint32(off, false);
}

/** A copy of `dtb` with the u32 at `off` replaced. */
function patched(dtb: Uint8Array, off: number, value: number): Uint8Array {
  const copy = dtb.slice();
  new DataView(copy.buffer).setUint32(off, value, false);
  return copy;
}

describe('readDtb', () => {
  it('reads header facts, reservations and the tree', () => {
    const w = new FdtWriter({ bootCpuId: 2 });
    w.addMemoryReservation(0x8000_0000n, 0x10_0000n);
    w.beginNode('');
    w.endNode();
    const dtb = readDtb(w.finish());
    expect(dtb.version).to.equal(17);
    expect(dtb.bootCpuId).to.equal(2);
    expect(dtb.reservations).to.deep.equal([{ address: 0x8000_0000n, size: 0x10_0000n }]);
    expect(dtb.root).to.deep.equal({ name: '', path: '/', properties: new Map(), children: [] });
  });

  it('parseDtb returns the same tree as readDtb', () => {
    const { dtb } = buildVirtTree();
    expect(parseDtb(dtb)).to.deep.equal(readDtb(dtb).root);
  });

  it('reads a blob laid out by dtc, whose strings block shares suffixes', () => {
    const dtb = dtcCompile(`/dts-v1/;
/memreserve/ 0x10000 0x4000;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	cells = <7>;
	compatible = "vendor,board", "vendor,soc";
	node@1000 {
		reg = <0x1000 0x100>;
		bytes = [de ad be ef 01];
	};
};
`);
    const { root, reservations } = readDtb(dtb);
    expect(reservations).to.deep.equal([{ address: 0x10000n, size: 0x4000n }]);
    expect(getU32(root, '#size-cells')).to.equal(1);
    expect(getU32(root, 'cells')).to.equal(7);
    expect(getStringList(root, 'compatible')).to.deep.equal(['vendor,board', 'vendor,soc']);
    const node = findNode(root, '/node@1000');
    expect(node && getCells(node, 'reg')).to.deep.equal([0x1000, 0x100]);
    expect(node?.properties.get('bytes')).to.deep.equal(Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x01));
  });

  it('skips FDT_NOP tokens, as left by libfdt when it deletes a property in place', () => {
    const dtb = smallBlob();
    const offStruct = header(dtb, 8);
    let nopped = dtb;
    // FDT_PROP, len, nameoff, value: four words, all overwritten with FDT_NOP.
    for (let i = 0; i < 4; i++) nopped = patched(nopped, offStruct + 8 + i * 4, 4);
    const root = parseDtb(nopped);
    expect([...root.properties.keys()]).to.deep.equal([]);
    expect(root.children.map((c) => c.name)).to.deep.equal(['c']);
  });

  it('accepts a version 16 blob, bounding the structure block by totalsize', () => {
    const dtb = patched(smallBlob(), 20, 16);
    expect(readDtb(dtb).version).to.equal(16);
    expect(getU32(readDtb(dtb).root, 'a')).to.equal(1);
  });

  it('reads a blob that starts partway into a larger buffer', () => {
    const dtb = smallBlob();
    const big = new Uint8Array(dtb.length + 5);
    big.set(dtb, 3);
    expect(parseDtb(big.subarray(3, 3 + dtb.length))).to.deep.equal(parseDtb(dtb));
  });

  it('returns property values that do not alias the input buffer', () => {
    const dtb = smallBlob();
    const root = parseDtb(dtb);
    dtb.fill(0);
    expect(getU32(root, 'a')).to.equal(1);
  });

  describe('errors on corrupted input', () => {
    it('rejects a bad magic number', () => {
      expectError(() => readDtb(patched(smallBlob(), 0, 0xdeadbeef)), 'readDtb: not a DTB: bad magic 0xdeadbeef (expected 0xd00dfeed)');
    });

    it('rejects input too short to hold a magic number', () => {
      expectError(() => readDtb(Uint8Array.of(0xd0, 0x0d)), 'readDtb: not a DTB: only 2 bytes');
    });

    it('rejects a truncated header', () => {
      expectError(() => readDtb(smallBlob().subarray(0, 20)), 'readDtb: truncated header: 20 bytes, need at least 36');
    });

    it('rejects a blob shorter than its totalsize', () => {
      const dtb = smallBlob();
      expectError(
        () => readDtb(dtb.subarray(0, dtb.length - 1)),
        `readDtb: truncated blob: totalsize is ${dtb.length} but only ${dtb.length - 1} bytes are present`,
      );
    });

    it('rejects a structure block that ends before FDT_END', () => {
      const dtb = smallBlob();
      const offStruct = header(dtb, 8);
      // 8 bytes hold FDT_BEGIN_NODE and the root's empty name; the next token is past the block.
      expectError(() => readDtb(patched(dtb, 36, 8)), `readDtb: truncated structure block at offset 0x${(offStruct + 8).toString(16)}`);
    });

    it('rejects a property value that runs past the structure block', () => {
      const dtb = smallBlob();
      const offStruct = header(dtb, 8);
      expectError(
        () => readDtb(patched(dtb, offStruct + 12, 0x1000)),
        `readDtb: truncated structure block at offset 0x${(offStruct + 20).toString(16)}: ` + "property value of 4096 bytes in node '/' runs past the block",
      );
    });

    it('rejects versions older than 16', () => {
      expectError(() => readDtb(patched(smallBlob(), 20, 3)), 'readDtb: unsupported version 3 (this reader handles 16..17)');
    });

    it('rejects blobs only readable by versions newer than 17', () => {
      expectError(() => readDtb(patched(smallBlob(), 24, 18)), 'readDtb: unsupported version: last_comp_version 18 is newer than 17');
    });

    it('rejects a block that runs past totalsize', () => {
      const dtb = smallBlob();
      expectError(
        () => readDtb(patched(dtb, 32, 0x1000)),
        `readDtb: strings block at 0x${header(dtb, 12).toString(16)} (4096 bytes) runs past totalsize 0x${dtb.length.toString(16)}`,
      );
    });

    it('rejects a misaligned structure block', () => {
      const dtb = smallBlob();
      expectError(
        () => readDtb(patched(dtb, 8, header(dtb, 8) + 2)),
        `readDtb: structure block offset 0x${(header(dtb, 8) + 2).toString(16)} is not 4-byte aligned`,
      );
    });

    it('rejects an unknown token, naming its offset and node', () => {
      const dtb = smallBlob();
      const at = header(dtb, 8) + 8;
      expectError(() => readDtb(patched(dtb, at, 7)), `readDtb: unknown token 0x7 at offset 0x${at.toString(16)} in node '/'`);
    });

    it('rejects a property name offset past the strings block', () => {
      const dtb = smallBlob();
      const at = header(dtb, 8) + 8;
      expectError(
        () => readDtb(patched(dtb, at + 8, 0x99)),
        `readDtb: property at offset 0x${at.toString(16)} in node '/' has name offset 0x99 past the strings block (2 bytes)`,
      );
    });

    it('rejects a structure block that does not start with FDT_BEGIN_NODE', () => {
      const dtb = smallBlob();
      const at = header(dtb, 8);
      expectError(
        () => readDtb(patched(dtb, at, 3)),
        `readDtb: structure block must start with FDT_BEGIN_NODE, found token 0x3 at offset 0x${at.toString(16)}`,
      );
    });

    it('rejects FDT_END inside an open node', () => {
      const dtb = smallBlob();
      // The child's FDT_END_NODE follows its FDT_BEGIN_NODE and padded name 'c'.
      const at = header(dtb, 8) + 8 + 16 + 8;
      expectError(() => readDtb(patched(dtb, at, 9)), `readDtb: FDT_END at offset 0x${at.toString(16)} inside node '/c', which was never closed`);
    });

    it('rejects a memory reservation block that runs past totalsize', () => {
      const dtb = smallBlob();
      const off = dtb.length - (dtb.length % 8); // aligned, but fewer than 16 bytes before the end
      expectError(
        () => readDtb(patched(dtb, 16, off)),
        `readDtb: memory reservation block at 0x${off.toString(16)} (16 bytes) runs past totalsize 0x${dtb.length.toString(16)}`,
      );
    });

    it('rejects a memory reservation block with no terminating entry', () => {
      const dtb = smallBlob();
      // Read from the structure block instead: its words make two non-zero sizes, then the blob ends.
      const off = header(dtb, 8) + 8;
      expectError(
        () => readDtb(patched(dtb, 16, off)),
        `readDtb: truncated memory reservation block at offset 0x${(off + 32).toString(16)}: no terminating entry`,
      );
    });
  });
});

describe('tree queries', () => {
  const { dtb, gicPhandle, clockPhandle } = buildVirtTree();
  const root = parseDtb(dtb);

  it('getU32 reads a one-cell property and gives undefined when it is absent', () => {
    expect(getU32(root, '#address-cells')).to.equal(2);
    expect(getU32(root, 'no-such-property')).to.equal(undefined);
  });

  it('getU32 rejects a value that is not one cell', () => {
    expectError(() => getU32(root, 'model'), "getU32: property 'model' of node '/' is 17 bytes, not one 4-byte cell");
  });

  it('getCells reads a list of cells', () => {
    const memory = findNode(root, '/memory@40000000');
    expect(memory && getCells(memory, 'reg')).to.deep.equal([0, 0x40000000, 0, 0x8000000]);
  });

  it('getCells rejects a length that is not a multiple of 4', () => {
    expectError(() => getCells(root, 'model'), "getCells: property 'model' of node '/' is 17 bytes, not a whole number of 4-byte cells");
  });

  it('getString reads one string and rejects lists and unterminated values', () => {
    const chosen = findNode(root, '/chosen');
    expect(chosen && getString(chosen, 'stdout-path')).to.equal('/pl011@9000000');
    const psci = findNode(root, '/psci');
    expectError(() => psci && getString(psci, 'compatible'), "getString: property 'compatible' of node '/psci' holds 3 strings, not one (use getStringList)");
    expectError(() => getString(root, 'interrupt-parent'), "getString: property 'interrupt-parent' of node '/' is not NUL-terminated, so it is not a string");
  });

  it('getStringList splits on NUL and reads an empty property as an empty list', () => {
    const timer = findNode(root, '/timer');
    expect(timer && getStringList(timer, 'compatible')).to.deep.equal(['arm,armv8-timer', 'arm,armv7-timer']);
    expect(timer && getStringList(timer, 'always-on')).to.deep.equal([]);
    expectError(() => getStringList(root, '#size-cells'), "getStringList: property '#size-cells' of node '/' is not NUL-terminated, so it is not a string");
  });

  it('findNode resolves full paths, and names without unit address like libfdt', () => {
    expect(findNode(root, '/')).to.equal(root);
    expect(findNode(root, '/intc@8000000/v2m@8020000')?.path).to.equal('/intc@8000000/v2m@8020000');
    expect(findNode(root, '/intc/v2m')?.path).to.equal('/intc@8000000/v2m@8020000');
    expect(findNode(root, '/cpus/cpu@0/')?.path).to.equal('/cpus/cpu@0');
    expect(findNode(root, '/intc@1')).to.equal(undefined);
    expect(findNode(root, '/nowhere')).to.equal(undefined);
    expectError(() => findNode(root, 'chosen'), "findNode: path 'chosen' must start with '/'");
  });

  it('findByPhandle finds the node owning a phandle', () => {
    expect(findByPhandle(root, gicPhandle)?.path).to.equal('/intc@8000000');
    expect(findByPhandle(root, clockPhandle)?.path).to.equal('/apb-pclk');
    expect(findByPhandle(root, 0x1234)).to.equal(undefined);
  });

  it('findByCompatible finds every node listing a compatible string, in tree order', () => {
    expect(findByCompatible(root, 'arm,psci-0.2').map((n) => n.path)).to.deep.equal(['/psci']);
    expect(findByCompatible(root, 'arm,primecell').map((n) => n.path)).to.deep.equal(['/pl011@9000000']);
    expect(findByCompatible(root, 'arm,psci-0')).to.deep.equal([]);
  });
});

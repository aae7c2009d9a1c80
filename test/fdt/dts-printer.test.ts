import { expect } from 'chai';
import { FdtWriter, printDts, readDtb } from '../../src/fdt/index.js';
import { dtcCompile, dtcDecompile } from '../support/dtc.js';
import { buildVirtTree } from './virt-tree.js';

/** Asserts printDts matches `dtc -I dtb -O dts` for `dtb`, line by line for a readable diff. */
function expectSameAsDtc(dtb: Uint8Array): void {
  const dtc = dtcDecompile(dtb);
  expect(dtc.status, dtc.stderr).to.equal(0);
  expect(printDts(dtb).split('\n')).to.deep.equal(dtc.stdout.split('\n'));
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** Small deterministic PRNG (mulberry32) so a failing random tree can be reproduced. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random tree whose values hit every branch of dtc's type guess: text, NULs, escapes, binary. */
function randomTree(seed: number): Uint8Array {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const alphabet = [0, 0, 0, 0x61, 0x62, 0x2c, 0x20, 0x22, 0x5c, 0x09, 0x0a, 0x07, 0x7e, 0x7f, 0x80, 0xff, 0x01, 0x1b];
  const w = new FdtWriter({ bootCpuId: Math.floor(rand() * 4) });
  for (let i = Math.floor(rand() * 3); i > 0; i--) w.addMemoryReservation(BigInt(i) << 32n, BigInt(Math.floor(rand() * 0xffff) + 1));
  const node = (depth: number): void => {
    const propCount = Math.floor(rand() * 6);
    for (let p = 0; p < propCount; p++) {
      const len = pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 31]);
      // Mostly text-like values, some fully random, so strings, cells and bytes all appear.
      const value = Uint8Array.from({ length: len }, () => (rand() < 0.8 ? pick(alphabet) : Math.floor(rand() * 256)));
      if (len > 0 && rand() < 0.5) value[len - 1] = 0;
      w.property(`x-prop${p},${pick(['a', '#b', '?c', '+d', '_e', '.f'])}`, value);
    }
    if (depth < 3) {
      const childCount = Math.floor(rand() * 3);
      for (let c = 0; c < childCount; c++) {
        w.beginNode(`n${c}${pick(['', '@1', '@fe,0', '-x', '_y.z'])}`);
        node(depth + 1);
        w.endNode();
      }
    }
  };
  w.beginNode('');
  node(0);
  w.endNode();
  return w.finish();
}

describe('printDts', () => {
  it('prints a QEMU virt-like tree exactly as dtc -I dtb -O dts does', () => {
    expectSameAsDtc(buildVirtTree().dtb);
  });

  it('prints string lists as one quoted string with \\0 separators, as dtc 1.6.1 does', () => {
    const out = printDts(buildVirtTree().dtb);
    expect(out).to.contain('\t\tcompatible = "arm,psci-1.0\\0arm,psci-0.2\\0arm,psci";\n');
    expect(out).to.contain('\t\t#clock-cells = <0x00>;\n');
    expect(out).to.contain('/memreserve/\t0x0000000048000000 0x0000000000100000;\n');
    expect(out).to.contain('\t\tinterrupt-controller;\n');
  });

  it('guesses value types with the same rules as dtc', () => {
    const w = new FdtWriter();
    w.beginNode('');
    w.propertyString('escapes', 'tab\there "quoted" back\\slash\nbell\u0007\b\v\f\r ~');
    w.propertyStringList('with-empty', ['ab', '', 'c']); // 3 NULs vs 3 others: still a string
    w.propertyStringList('mostly-empty', ['ab', '', '', 'c']); // more NULs than text: bytes
    w.propertyString('empty-string', ''); // a lone NUL: bytes
    w.propertyString('four-chars', 'abcd'); // 5 bytes: string, not cells
    w.property('looks-like-text', bytes(0x61, 0x62, 0x63, 0x00)); // dtc prints "abc", not <0x61626300>
    w.property('high-byte', bytes(0x61, 0x62, 0x80, 0x00)); // not printable: cells
    w.property('unterminated', bytes(0x61, 0x62, 0x63)); // no NUL: bytes
    w.property('leading-nul', bytes(0x00, 0x61, 0x62, 0x63, 0x00)); // 2 NULs vs 3: string "\0abc"
    w.property('escape-char', bytes(0x1b, 0x00));
    w.property('del-char', bytes(0x7f, 0x61, 0x00));
    w.propertyString('utf8', 'caf\u00e9'); // non-ASCII bytes are not isprint(): bytes
    w.property('one-byte', bytes(0xff));
    w.property('five-bytes', bytes(1, 2, 3, 4, 5));
    w.propertyCells('zero', [0]);
    w.propertyCells('wide', [0xffffffff, 0x10, 0xabc]);
    w.propertyU64('u64', 0x1_2345_6789n);
    w.propertyEmpty('flag');
    w.endNode();
    expectSameAsDtc(w.finish());
  });

  it('prints a root with no properties and no children', () => {
    const w = new FdtWriter();
    w.beginNode('');
    w.endNode();
    const dtb = w.finish();
    expect(printDts(dtb)).to.equal('/dts-v1/;\n\n/ {\n};\n');
    expectSameAsDtc(dtb);
  });

  it('prints deep nesting, several reservations and every name character', () => {
    const w = new FdtWriter({ bootCpuId: 1 });
    w.addMemoryReservation(0n, 0x1000n);
    w.addMemoryReservation(0xffff_ffff_ffff_0000n, 0xffffn);
    w.beginNode('');
    let depth = 0;
    for (const name of ['a', 'b@1', 'c,d._+-@e,f', 'g']) {
      w.beginNode(name);
      w.propertyU32(`level-${depth++}`, depth);
    }
    for (let i = 0; i < depth; i++) w.endNode();
    w.beginNode('sibling');
    w.propertyEmpty('aZ09,._+?#-');
    w.endNode();
    w.endNode();
    expectSameAsDtc(w.finish());
  });

  it('prints a blob laid out by dtc itself', () => {
    expectSameAsDtc(
      dtcCompile(`/dts-v1/;
/memreserve/ 0x1000 0x1000;
/ {
	model = "board";
	list = "one", "two";
	mixed = "s", <1 2>, [03];
	node@1 { reg = <1>; child { flag; }; };
};
`),
    );
  });

  it('matches dtc on 40 random trees', () => {
    let all = '';
    for (let seed = 1; seed <= 40; seed++) {
      const dtb = randomTree(seed);
      const dtc = dtcDecompile(dtb);
      expect(printDts(dtb), `seed ${seed}`).to.equal(dtc.stdout);
      all += dtc.stdout;
    }
    // The trees must exercise every form dtc can choose, or the comparison proves little.
    for (const form of [/ = "[^"]*\\0/, / = "/, / = </, / = \[/, /\t[^ =\n]+;\n/, /\/memreserve\//]) {
      expect(all).to.match(form);
    }
  });

  it('prints a readDtb result with its reservations and a bare tree without', () => {
    const { dtb } = buildVirtTree();
    const contents = readDtb(dtb);
    expect(printDts(contents)).to.equal(printDts(dtb));
    const bare = printDts(contents.root);
    expect(bare).to.not.contain('/memreserve/');
    expect(bare).to.equal(printDts(dtb).replace(/\/memreserve\/.*\n/g, ''));
  });
});

describe('dtc on FdtWriter output', () => {
  it('reads the QEMU virt-like tree with no warnings or errors', () => {
    const dtc = dtcDecompile(buildVirtTree().dtb);
    expect(dtc.status).to.equal(0);
    expect(dtc.stderr).to.equal('');
  });

  it('compiles our dts output back to the same tree', () => {
    const { dtb } = buildVirtTree();
    const again = dtcCompile(printDts(dtb));
    expect(readDtb(again)).to.deep.equal(readDtb(dtb));
  });
});

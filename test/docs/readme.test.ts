// The README's code excerpts stay true to the files they are taken from: every line of a block marked
// `<!-- excerpt of PATH -->` is a line of PATH, in the same order (indentation aside), and `// ...` stands
// for lines left out.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/project-paths.js';

interface Excerpt {
  path: string;
  /** README line of the block's first line. */
  firstLine: number;
  lines: string[];
}

function excerpts(readme: string): Excerpt[] {
  const lines = readme.split('\n');
  const found: Excerpt[] = [];
  lines.forEach((line, i) => {
    const marker = /^<!-- excerpt of (\S+) -->$/.exec(line);
    if (!marker?.[1]) return;
    if (!lines[i + 1]?.startsWith('```')) throw new Error(`README.md line ${i + 1}: an excerpt marker must be followed by a code block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.startsWith('```'));
    found.push({ path: marker[1], firstLine: i + 3, lines: lines.slice(i + 2, end) });
  });
  return found;
}

/** Where the excerpt strays from its file, if it does: the README line and the text not found in order. */
function strayLine(excerpt: Excerpt, source: string): string | undefined {
  const sourceLines = source.split('\n').map((line) => line.trim());
  let at = 0;
  for (const [i, line] of excerpt.lines.entries()) {
    const text = line.trim();
    if (text === '' || text === '// ...') continue;
    const found = sourceLines.indexOf(text, at);
    if (found < 0) return `README.md line ${excerpt.firstLine + i}: '${text}' is not in ${excerpt.path} after its line ${at}`;
    at = found + 1;
  }
  return undefined;
}

describe('README excerpts', () => {
  const readme = readFileSync(projectPath('README.md'), 'utf8');

  it('are found: "Writing a device" shows devices/pl031.ts, devices/sp805.ts and their tests', () => {
    expect(excerpts(readme).map((e) => e.path)).to.include.members([
      'devices/pl031.ts',
      'test/devices/pl031.test.ts',
      'devices/sp805.ts',
      'test/devices/sp805.test.ts',
    ]);
  });

  for (const excerpt of excerpts(readme)) {
    it(`of ${excerpt.path} (README.md line ${excerpt.firstLine}) are lines of the file, in order`, () => {
      expect(strayLine(excerpt, readFileSync(projectPath(excerpt.path), 'utf8'))).to.equal(undefined);
    });
  }

  it('catch a line the file does not have, or has in another order', () => {
    const source = 'a();\n  b();\nc();\n';
    expect(strayLine({ path: 'x.ts', firstLine: 10, lines: ['a();', '// ...', 'c();'] }, source)).to.equal(undefined);
    expect(strayLine({ path: 'x.ts', firstLine: 10, lines: ['a();', 'd();'] }, source)).to.equal("README.md line 11: 'd();' is not in x.ts after its line 1");
    expect(strayLine({ path: 'x.ts', firstLine: 10, lines: ['c();', 'a();'] }, source)).to.equal("README.md line 11: 'a();' is not in x.ts after its line 3");
  });
});

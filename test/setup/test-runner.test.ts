// `npm test -- FILE` (scripts/test.mjs): the files named run, and only they.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('../../../scripts/test.mjs', import.meta.url));
const runTests = (...args: string[]) => spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('the test runner (npm test -- FILE)', function () {
  this.timeout(60_000);

  it('runs the one file named by its source path, and no other', () => {
    const run = runTests('test/regs/declarations.test.ts', '--reporter', 'json');
    expect(run.status, run.stderr).to.equal(0);
    const files = new Set((JSON.parse(run.stdout) as { passes: { file: string }[] }).passes.map((test) => test.file));
    expect([...files]).to.have.length(1);
    expect([...files][0]).to.match(/dist\/test\/regs\/declarations\.test\.js$/);
  });

  it('drops the build of a test whose source is gone, so a moved test does not run twice', () => {
    const orphan = fileURLToPath(new URL('./moved-away.test.js', import.meta.url));
    writeFileSync(orphan, "it('is the build of a test that moved', () => { throw new Error('ran'); });\n");
    const run = runTests('test/regs/declarations.test.ts');
    expect(run.status, run.stderr).to.equal(0);
    expect(existsSync(orphan)).to.equal(false);
  });

  it('names a file that is not there', () => {
    const run = runTests('test/nosuch.test.ts');
    expect(run.status).to.equal(2);
    expect(run.stderr).to.equal('npm test: no test test/nosuch.test.ts (looked for dist/test/nosuch.test.js; test files are test/**/*.test.ts)\n');
  });
});

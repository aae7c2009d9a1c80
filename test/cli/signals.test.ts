import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TerminationSignals, type ReceivedSignal } from '../../src/cli/signals.js';
import { writeLinuxImage } from '../support/linux-image.js';

const cli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../../../machines/virt-demo.json', import.meta.url));

describe('armvirt: termination signals', function () {
  this.timeout(30_000);
  let dir: string;
  let kernel: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'armvirt-signals-'));
    // Prints 'R' on the PL011 (so the test knows the guest runs), then spins.
    kernel = writeLinuxImage(
      join(dir, 'spin.img'),
      `ldr x1, =0x09000000\n mov w0, #0x301\n str w0, [x1, #0x30]\n mov w0, #'R'\n str w0, [x1]\n mov w0, #10\n str w0, [x1]\n 1: b 1b`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [signal, code, what] of [
    ['SIGHUP', 129, 'hung up'],
    ['SIGINT', 130, 'interrupted'],
    ['SIGQUIT', 131, 'quit'],
    ['SIGTERM', 143, 'terminated'],
  ] as const) {
    it(`${signal} ends a passthrough run with one line and ${code}, the fake host's temp tree gone and nothing left open`, async () => {
      // The demo config (the fake host's test device passed through) with a guest that never stops; its own
      // temp directory, so the fake host's tree can be watched.
      const tmp = mkdtempSync(join(dir, `${signal}-`));
      const child = spawn(process.execPath, [cli, 'run', DEMO, '-kernel', kernel], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      expect(
        readdirSync(tmp).filter((name) => name.startsWith('armvirt-vfio-host-')),
        'the fake host tree while the guest runs',
      ).to.have.length(1);
      child.kill(signal);
      const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (c, s) => resolve({ code: c, signal: s })));
      // One line: the machine's own accounting would add one for anything a device left open.
      expect(stderr).to.equal(`armvirt: ${what} (${signal}), exit code ${code}\n`);
      expect(exit).to.deep.equal({ code, signal: null });
      expect(readdirSync(tmp), 'left in the temp directory').to.deep.equal([]);
    });
  }
});

describe('termination signals before the run starts', () => {
  it('are kept, and stop the run as soon as it starts', async () => {
    const signals = new TerminationSignals();
    try {
      process.kill(process.pid, 'SIGHUP'); // caught: mocha goes on
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stops: ReceivedSignal[] = [];
      signals.whenReceived((signal) => stops.push(signal));
      expect(stops).to.deep.equal([{ name: 'SIGHUP', reason: 'hung up (SIGHUP)', exitCode: 129 }]);
    } finally {
      signals.dispose();
    }
  });
});

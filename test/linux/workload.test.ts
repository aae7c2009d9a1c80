import { expect } from 'chai';
import { qemuVirtArgs, spawnQemu } from '../../src/testing/qemu.js';
import { LINUX_IMAGE, LINUX_INITRAMFS, LINUX_RELEASE, PROMPT, linesStartingWith, linuxCommandLine, runLinux, type LinuxRun } from '../support/linux-guest.js';

// The workload (firmware/linux/rootfs/etc/armvirt/workload), then a shell session typed on the console.
const APPEND = 'armvirt.init=workload,shell';
const SESSION = [
  { after: PROMPT, type: 'uname -r\n' },
  { after: PROMPT, type: 'echo $((6 * 7)) $(ls /bin | wc -l)\n' },
  { after: PROMPT, type: 'cat /proc/uptime /sys/class/tty/console/active\n' },
  { after: PROMPT, type: 'poweroff\n' },
];

/** QEMU with the same kernel, initramfs and command line; `poweroff` typed at its first prompt. */
function qemuConsole(): Promise<string> {
  const args = qemuVirtArgs({ memory: '512M', kernel: LINUX_IMAGE, extra: ['-initrd', LINUX_INITRAMFS, '-append', linuxCommandLine(APPEND), '-no-reboot'] });
  const qemu = spawnQemu(args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  let typed = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => qemu.kill(), 120_000);
    qemu.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const done = output.indexOf('workload: done');
      if (done >= 0 && output.indexOf(PROMPT, done) >= 0 && !typed) {
        typed = true;
        qemu.stdin!.write('poweroff\n');
      }
    });
    qemu.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`QEMU ended with ${code}; its console ends with:\n${output.slice(-800)}`));
    });
  });
}

describe('Linux on armvirt: the workload and a shell session, deterministic', function () {
  this.timeout(600_000);
  let first: LinuxRun;

  before(async () => {
    first = await runLinux({ append: APPEND, session: SESSION });
  });

  it('boots to init, runs the workload, answers the typed commands and powers off with exit 0', () => {
    expect(first.exit, first.console.slice(-800)).to.deep.equal({ kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 });
    expect(first.console).to.include('Run /init as init process');
    expect(linesStartingWith(first.console, 'workload: ').at(-1)).to.equal('workload: done');
    expect(first.console).to.include(`uname -r\r\n${LINUX_RELEASE}\r\n`);
    expect(first.console).to.match(/echo \$\(\(6 \* 7\)\) \$\(ls \/bin \| wc -l\)\r\n42 \d+\r\n/);
    expect(first.console).to.include('ttyAMA0\r\n');
  });

  it('prints the same workload lines as QEMU with the same kernel, initramfs and command line', async () => {
    const qemu = await qemuConsole();
    const workload = (text: string) => [...linesStartingWith(text, 'armvirt-init:'), ...linesStartingWith(text, 'workload: ')];
    expect(workload(qemu)).to.have.length(8);
    expect(workload(first.console)).to.deep.equal(workload(qemu));
  });

  it('prints byte-identical output on a second run: boot log, printk times, workload and session', async () => {
    const second = await runLinux({ append: APPEND, session: SESSION });
    expect(second.exit).to.deep.equal(first.exit);
    expect(second.endNs).to.equal(first.endNs);
    expect(second.console === first.console, 'the two consoles differ').to.equal(true);
  });
});

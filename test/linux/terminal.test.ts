import { expect } from 'chai';
import { join } from 'node:path';
import { MACHINES_DIR } from '../../src/vmm/config.js';
import { TerminalSession } from '../support/terminal.js';

const LINUX_CONFIG = join(MACHINES_DIR, 'linux.json');

describe('machines/linux.json on a terminal: the console keys and a busybox shell a person types into', function () {
  this.timeout(180_000);
  let terminal: TerminalSession | undefined;
  afterEach(() => terminal?.kill());

  it('Ctrl-A H lists the keys while the kernel boots, Ctrl-A X quits with exit 0 and the terminal as it was', async () => {
    terminal = new TerminalSession(['run', LINUX_CONFIG]);
    await terminal.waitFor('Booting Linux on physical CPU');
    terminal.type('\x01h');
    const help = await terminal.waitFor('C-a C-a  sends C-a');
    expect(help).to.include('C-a x    exit emulator');
    terminal.type('\x01x');
    expect(await terminal.exited).to.deep.equal({ exitCode: 0, terminalRestored: true });
    expect(terminal.screen).to.include('armvirt: quit from the console (Ctrl-A X), exit code 0');
  });

  it('SIGTERM while the guest runs ends the run with 143 and gives the terminal its mode back', async () => {
    terminal = new TerminalSession(['run', LINUX_CONFIG]);
    await terminal.waitFor('Booting Linux on physical CPU');
    terminal.terminate();
    expect(await terminal.exited).to.deep.equal({ exitCode: 143, terminalRestored: true });
    expect(terminal.screen).to.include('armvirt: interrupted (SIGTERM), exit code 143');
  });
});

import { expect } from 'chai';
import { join } from 'node:path';
import { MACHINES_DIR } from '../../src/vmm/config.js';
import { PROMPT } from '../support/linux-guest.js';
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

  it('runs commands with line editing, Ctrl-C and Ctrl-Z reach the foreground job, poweroff ends the run with exit 0', async () => {
    terminal = new TerminalSession(['run', LINUX_CONFIG]);
    await terminal.waitFor(PROMPT, 120_000);

    terminal.type('echo hello $((6 * 7))\r');
    await terminal.waitFor('hello 42');
    await terminal.waitFor(PROMPT);

    // Backspace, and the cursor moved left twice to insert a letter.
    terminal.type('echo abX\x7fc wrd\x1b[D\x1b[Do\r');
    await terminal.waitFor('abc word');
    await terminal.waitFor(PROMPT);

    // The job says when it runs in the foreground (ash makes it so before the exec), so the key is not typed
    // while the shell still has the terminal.
    terminal.type("sh -c 'echo $((6 * 7))-running; exec sleep 60'; echo slept\r");
    await terminal.waitFor('42-running');
    terminal.type('\x03');
    await terminal.waitFor(PROMPT, 10_000);
    terminal.type('echo status $?\r');
    await terminal.waitFor('status 130');
    await terminal.waitFor(PROMPT);

    terminal.type("sh -c 'echo $((6 * 7))-waiting; exec sleep 60'\r");
    await terminal.waitFor('42-waiting');
    terminal.type('\x1a');
    await terminal.waitFor(/Stopped\s+sh -c/, 10_000);
    await terminal.waitFor(PROMPT);
    terminal.type('jobs\r');
    await terminal.waitFor(/\[1\]\+ +Stopped +sh -c/);
    await terminal.waitFor(PROMPT);
    terminal.type('fg\r');
    await terminal.waitFor('exec sleep 60');
    await new Promise((resolve) => setTimeout(resolve, 500)); // fg hands the job the terminal, then continues it
    terminal.type('\x03');
    await terminal.waitFor(PROMPT, 10_000);
    terminal.type('jobs; echo jobs $((6 * 7))\r');
    expect(await terminal.waitFor('jobs 42')).to.not.include('Stopped');

    terminal.type('poweroff\r');
    expect(await terminal.exited).to.deep.equal({ exitCode: 0, terminalRestored: true });
    expect(terminal.screen).to.include('armvirt: guest powered off (PSCI SYSTEM_OFF), exit code 0');
    expect(terminal.screen, 'Ctrl-C ended the whole command line').to.not.match(/\nslept/);
  });
});

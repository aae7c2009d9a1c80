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
    expect(terminal.screen).to.include('armvirt: terminated (SIGTERM), exit code 143');
  });

  it('runs commands with line editing, Ctrl-C and Ctrl-Z reach the foreground job, poweroff ends the run with exit 0', async () => {
    terminal = new TerminalSession(['run', LINUX_CONFIG]);
    await terminal.waitFor(PROMPT, 120_000);

    /** Types `keys`, then waits for each of `shown` in turn (a prompt included where one comes). */
    const step = async (keys: string, ...shown: (string | RegExp)[]) => {
      terminal!.type(keys);
      for (const text of shown) await terminal!.waitFor(text, 30_000);
    };
    await step('echo hello $((6 * 7))\r', 'hello 42', PROMPT);
    // Backspace, and the cursor moved left twice to insert a letter.
    await step('echo abX\x7fc wrd\x1b[D\x1b[Do\r', 'abc word', PROMPT);
    // Each job says when it runs in the foreground (ash makes it so before the exec), so a key is not typed
    // while the shell still has the terminal.
    await step("sh -c 'echo $((6 * 7))-running; exec sleep 60'; echo slept\r", '42-running');
    await step('\x03', PROMPT);
    await step('echo status $?\r', 'status 130', PROMPT);
    await step("sh -c 'echo $((6 * 7))-waiting; exec sleep 60'\r", '42-waiting');
    await step('\x1a', /Stopped\s+sh -c/, PROMPT);
    await step('jobs\r', /\[1\]\+ +Stopped +sh -c/, PROMPT);
    await step('fg\r', 'exec sleep 60');
    await new Promise((resolve) => setTimeout(resolve, 500)); // fg hands the job the terminal, then continues it
    await step('\x03', PROMPT);
    terminal.type('jobs; echo jobs $((6 * 7))\r');
    expect(await terminal.waitFor('jobs 42')).to.not.include('Stopped');

    terminal.type('poweroff\r');
    expect(await terminal.exited).to.deep.equal({ exitCode: 0, terminalRestored: true });
    expect(terminal.screen).to.include('armvirt: guest powered off (PSCI SYSTEM_OFF), exit code 0');
    expect(terminal.screen, 'Ctrl-C ended the whole command line').to.not.match(/\nslept/);
  });
});

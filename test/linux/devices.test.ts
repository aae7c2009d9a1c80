// Debian's kernel drives armvirt's own devices with its own drivers: the SP805 watchdog (sp805_wdt, a
// module) resets the machine when nothing answers it, and virt's PL061 (gpio-pl061, built in) carries the
// power button to gpio-keys, which reports KEY_POWER to userspace.
import { expect } from 'chai';
import { PROMPT, runLinux } from '../support/linux-guest.js';

describe("Linux on armvirt's devices (deterministic)", function () {
  this.timeout(300_000);

  it('sp805_wdt binds the SP805 added with -device, and the machine resets when the watchdog opened is never answered', async () => {
    const run = await runLinux({
      append: 'armvirt.init=shell',
      devices: ['sp805,id=wdt0'],
      session: [
        {
          after: PROMPT,
          // Opened, written and closed without the magic 'V': the watchdog keeps running, and nothing pings it.
          type: 'modprobe sp805_wdt && ls /sys/bus/amba/drivers/sp805-wdt/ && cat /sys/class/watchdog/watchdog0/timeout && echo 1 > /dev/watchdog\n',
        },
      ],
    });
    expect(run.exit, run.console.slice(-800)).to.deep.equal({
      kind: 'stopped',
      reason: 'wdt0: the watchdog expired with its interrupt unanswered',
      exitCode: 3,
    });
    // sp805_wdt's default timeout, 60 s, counted from the open a moment after boot.
    expect(run.endNs / 1e9).to.be.within(60, 62);
    expect(run.console)
      .to.match(/\sc000000\.watchdog\s/)
      .and.match(/\r\n60\r\n/)
      .and.include('watchdog did not stop!');
  });

  it("gpio-pl061 binds virt's PL061, and a power-down request (Ctrl-A P) reaches userspace as KEY_POWER through gpio-keys", async () => {
    const run = await runLinux({
      append: 'armvirt.init=shell',
      session: [
        {
          after: PROMPT,
          // Two input events (the press and its EV_SYN) read in the background, one 24-byte event per read as evdev wants.
          type: 'ls /sys/bus/amba/drivers/pl061_gpio/; modprobe evdev; modprobe gpio_keys; (dd if=/dev/input/event0 bs=24 count=2 2>/dev/null | od -A n -t x2) & sleep 1; echo keys-$((1 + 1)); wait; echo read-$((2 + 3))\n',
        },
        { after: 'keys-2', run: (vm) => vm.requestPowerDown() },
        { after: 'read-5', type: 'poweroff\n' },
      ],
    });
    expect(run.exit, run.console.slice(-800)).to.deep.equal({ kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 });
    expect(run.console)
      .to.match(/\r\n9030000\.pl061\s/)
      .and.include('input: gpio-keys as /devices/platform/gpio-keys/input/input0');
    // struct input_event in 16-bit words: time (8), then type EV_KEY (1), code KEY_POWER (0x74), value 1 (pressed).
    expect(run.console).to.match(/\r\n 0001 0074 0001 0000 /);
  });
});

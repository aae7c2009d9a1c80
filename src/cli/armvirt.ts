#!/usr/bin/env node
// The `armvirt` command. The launcher, and with it the native addon, is loaded here rather than imported,
// so that a failure to load it (an addon not built, an engine older than 2.1) is one line and exit 126.
import { EXIT_VMM_ERROR } from '../vmm/exit-codes.js';

try {
  const launcher = await import('./main.js');
  const code = await launcher.main(process.argv.slice(2)).catch(launcher.fail);
  process.exit(code);
} catch (error) {
  process.stderr.write(`armvirt: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.ARMVIRT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_VMM_ERROR);
}

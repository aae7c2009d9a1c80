#!/usr/bin/env node
// The `armvirt` command. The launcher, and with it the native addon, is loaded here rather than imported,
// so that a failure to load it (an addon not built, an engine older than 2.1) is one line and exit 126. It
// is loaded from its bundle (scripts/bundle.mjs), which starts several times faster than the module tree,
// unless tsc has written the tree since the bundle was made.
import { statSync } from 'node:fs';
import { EXIT_VMM_ERROR } from '../core/exit-codes.js';

/** The longest wait for a reader to take what is left of the output. */
const DRAIN_LIMIT_MS = 5000;

/**
 * Exits once stdout and stderr are written out: to a pipe whose reader is slower than the guest's log,
 * Node writes asynchronously and process.exit() would drop the rest, the line saying why the run ended too.
 */
async function exit(code: number): Promise<never> {
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  if (pending.length) {
    let timer: NodeJS.Timeout | undefined;
    const drained = pending.map((stream) => new Promise<void>((resolve) => (stream.once('drain', resolve), stream.once('error', resolve))));
    await Promise.race([Promise.all(drained), new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_LIMIT_MS)))]);
    clearTimeout(timer);
  }
  process.exit(code);
}

const mtime = (url: URL) => {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
};
const tree = new URL('./main.js', import.meta.url);
const bundle = new URL('./main.bundle.mjs', import.meta.url);

try {
  const launcher = (await import(mtime(bundle) >= mtime(tree) ? bundle.href : tree.href)) as typeof import('./main.js');
  const code = await launcher.main(process.argv.slice(2)).catch(launcher.fail);
  await exit(code);
} catch (error) {
  process.stderr.write(`armvirt: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.ARMVIRT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  await exit(EXIT_VMM_ERROR);
}

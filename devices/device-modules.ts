// Which modules under devices/ make up the device set: all but this one, the index that loads them and the
// fuzz profiles beside them (`*-fuzz.ts`, loaded by the fuzzer). Read by devices/index.ts at start-up and
// by the launcher's bundler, which writes the same list as static imports.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEVICES_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Every module under `dir` (built: `.js`), sorted, so that types register in the same order on every run. */
export function deviceModules(dir = DEVICES_DIR, options: { withFuzzProfiles?: boolean } = {}): string[] {
  const skipped = [join(DEVICES_DIR, 'index.js'), fileURLToPath(import.meta.url)];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return deviceModules(path, options);
      const wanted = entry.name.endsWith('.js') && !skipped.includes(path) && (options.withFuzzProfiles === true || !entry.name.endsWith('-fuzz.js'));
      return wanted ? [path] : [];
    })
    .sort();
}

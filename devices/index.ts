// Loads every device module under devices/, so that each registers its types (registerType) in the default
// registry: machines, `-device`, the fuzzer and the crash-test find device types there, and a new device
// file is found rather than listed. Fuzz profiles (`*-fuzz.ts`) are left to the fuzzer (stress/fuzz-targets.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEVICES_DIR = fileURLToPath(new URL('.', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/** Every module under `dir`, sorted, so that types register in the same order on every run. */
export function deviceModules(dir = DEVICES_DIR, { withFuzzProfiles = false } = {}): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return deviceModules(path, { withFuzzProfiles });
      const wanted = entry.name.endsWith('.js') && path !== THIS_FILE && (withFuzzProfiles || !entry.name.endsWith('-fuzz.js'));
      return wanted ? [path] : [];
    })
    .sort();
}

for (const module of deviceModules()) await import(pathToFileURL(module).href);

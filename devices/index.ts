// Loads every device module under devices/ (device-modules.ts), so that each registers its types in the
// default registry: machines, `-device`, the fuzzer and the crash-test find device types there, and a new
// device file is found rather than listed. The launcher's bundle replaces this loop with static imports of
// the same modules (scripts/bundle.mjs).
import { pathToFileURL } from 'node:url';
import { deviceModules } from './device-modules.js';

for (const module of deviceModules()) await import(pathToFileURL(module).href);

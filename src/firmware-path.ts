// Where `make -C firmware` puts the guest programs.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const FIRMWARE_BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'firmware', 'build');

export function firmwarePath(name: string): string {
  return join(FIRMWARE_BUILD_DIR, `${name}.elf`);
}

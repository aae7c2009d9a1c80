// Where `make -C firmware` puts the guest programs.
import { join } from 'node:path';
import { projectPath } from './project-paths.js';

export const FIRMWARE_BUILD_DIR = projectPath('firmware', 'build');

export function firmwarePath(name: string): string {
  return join(FIRMWARE_BUILD_DIR, `${name}.elf`);
}

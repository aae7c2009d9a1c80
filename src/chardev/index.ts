// Public API of character backends: the interface a UART talks to, the backends, and the spec factory.

export { ChardevBase, type Chardev, type ChardevFrontend } from './chardev.js';
export { CHARDEV_SPECS, createChardev } from './create.js';
export { FileChardev } from './file.js';
export { MemoryChardev } from './memory.js';
export { NullChardev } from './null.js';
export { StdioChardev, type StdioInput, type StdioOptions } from './stdio.js';

// Renode-style UART keywords for guest runs: wait for a line on a MemoryChardev while the VM runs (the run
// loop yields to Node's event loop, which is where lines are seen), e.g. before typing input.
import type { MemoryChardev } from '../../src/chardev/index.js';

/**
 * Resolves with the first line containing `text`, among the lines already written or those to come;
 * rejects after `timeoutMs` of host time naming the text and the last lines seen.
 */
export function waitForLine(uart: MemoryChardev, text: string, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<string> {
  const seen = uart.lines.find((line) => line.includes(text));
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const previous = uart.onLine;
    const finish = (): void => {
      clearTimeout(timer);
      uart.onLine = previous;
    };
    const timer = setTimeout(() => {
      finish();
      const last = uart.lines
        .slice(-5)
        .map((line) => JSON.stringify(line))
        .join(', ');
      reject(new Error(`no UART line containing ${JSON.stringify(text)} within ${timeoutMs} ms; last lines: ${last || 'none'}`));
    }, timeoutMs);
    uart.onLine = (line) => {
      previous?.(line);
      if (!line.includes(text)) return;
      finish();
      resolve(line);
    };
  });
}

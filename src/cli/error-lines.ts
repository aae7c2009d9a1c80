// What the launcher prints for an error: one line per problem (a config or schema error has several, any
// other error one), then its hint on a line of its own. A line stays a line: control characters a user's value carried into the
// message (a newline in a -device option) are shown escaped, and a value of thousands of characters is cut
// in the middle rather than flooding the terminal.

/** Lines longer than this are shortened in the middle. */
const MAX_LINE = 2000;

export function errorLines(error: unknown): string[] {
  const problems = (error as { problems?: unknown }).problems;
  const lines = Array.isArray(problems) ? problems.map(String) : [error instanceof Error ? error.message : String(error)];
  const hint = (error as { hint?: unknown }).hint;
  if (typeof hint === 'string') lines.push(hint.trimEnd());
  return lines.map((line) => shorten(escapeControls(line)));
}

function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

function shorten(line: string): string {
  if (line.length <= MAX_LINE) return line;
  const head = line.slice(0, MAX_LINE - 200);
  const tail = line.slice(-100);
  return `${head}... (${line.length - head.length - tail.length} characters left out) ...${tail}`;
}

// Checks that imports between the project's source files point one way: down a table of layers, and never
// along a forbidden edge. Imports are read with the TypeScript compiler's own pre-parser, so `import type`,
// `export ... from`, side-effect imports and `import('...')` all count, and a string that merely looks like
// an import does not.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** Where files sit: the longest matching prefix (a directory ending in `/`, or one file) decides. */
export interface LayerTable<L extends string> {
  /** Lowest first: a file may import from its own layer and the layers before it. */
  order: readonly L[];
  places: Readonly<Record<string, L>>;
  /** Edges that the order allows but the design does not: `from` (a prefix) must not import `to` (a prefix). */
  forbidden?: readonly { from: string; to: string; why: string }[];
}

export interface SourceFile {
  /** Relative to the project root, with `/`: `src/qom/device.ts`. */
  path: string;
  text: string;
}

export interface ImportEdge {
  from: string;
  line: number;
  /** As written: `../../machines/virt/memory-map.js`. */
  specifier: string;
  /** The imported file, relative to the project root: `machines/virt/memory-map.ts`. */
  to: string;
}

/** Relative imports of one file, resolved to the `.ts` files they name. Packages and `node:` modules are left out. */
export function importsOf(file: SourceFile): ImportEdge[] {
  const { importedFiles } = ts.preProcessFile(file.text, true, true);
  return importedFiles
    .filter((ref) => ref.fileName.startsWith('.'))
    .map((ref) => ({
      from: file.path,
      line: file.text.slice(0, ref.pos).split('\n').length,
      specifier: ref.fileName,
      to: posix.normalize(posix.join(posix.dirname(file.path), ref.fileName)).replace(/\.js$/, '.ts'),
    }));
}

export function layerOf<L extends string>(table: LayerTable<L>, path: string): L | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(table.places)) {
    const matches = prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix;
    if (matches && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : table.places[best];
}

/** One line per problem: a file the table does not place, an import up the layers, or a forbidden edge. */
export function layerViolations<L extends string>(table: LayerTable<L>, files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const fromLayer = layerOf(table, file.path);
    if (fromLayer === undefined) {
      problems.push(`${file.path}: not in the layer table; give its directory a layer`);
      continue;
    }
    for (const edge of importsOf(file)) {
      const at = `${edge.from}:${edge.line} imports '${edge.specifier}'`;
      const toLayer = layerOf(table, edge.to);
      if (toLayer === undefined) {
        problems.push(`${at}: ${edge.to} is not in the layer table`);
      } else if (table.order.indexOf(toLayer) > table.order.indexOf(fromLayer)) {
        problems.push(`${at}: ${fromLayer} must not import from ${toLayer}, a higher layer`);
      }
      for (const rule of table.forbidden ?? []) {
        if (edge.from.startsWith(rule.from) && edge.to.startsWith(rule.to)) problems.push(`${at}: ${rule.from} must not import ${rule.to} (${rule.why})`);
      }
    }
  }
  return problems;
}

/** Identifiers (not comments or strings) in `file` that match `pattern`, as `path:line name`. */
export function identifiersMatching(file: SourceFile, pattern: RegExp): string[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && pattern.test(node.text)) {
      found.push(`${file.path}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every `.ts` file under `dirs` of `root`, as SourceFiles with root-relative paths. */
export function readSources(root: string, dirs: readonly string[]): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  return dirs.flatMap(walk).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

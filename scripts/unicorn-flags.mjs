#!/usr/bin/env node
// Prints compiler or linker flags for native/binding.gyp from the Unicorn the set-up chose (.deps/unicorn.json):
// `include` the header folder, `libraries` the link flags with an rpath to a project-local library.
import { unicornRecord } from './lib/unicorn.mjs';

const record = unicornRecord();
const local = record?.source === 'local';
const what = process.argv[2];
if (what === 'include') {
  if (local) process.stdout.write(`${record.include}\n`);
} else if (what === 'libraries') {
  process.stdout.write(local ? `-L${record.lib} -Wl,-rpath,${record.lib} -lunicorn\n` : '-lunicorn\n');
} else {
  process.stderr.write('usage: unicorn-flags.mjs include|libraries\n');
  process.exit(2);
}

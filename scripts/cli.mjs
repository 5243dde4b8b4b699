#!/usr/bin/env node
// `npm run demo` / `npm start` / `npm run train` on a fresh clone: installs what is missing (npm ci),
// then runs the `precursor-risk` command line with the given arguments and its exit code. The child
// gets Ctrl-C from the terminal itself; this wrapper only waits for it to finish stopping.
import { spawn } from 'node:child_process';
import { ensureDependencies, ensureSupportedNode, root } from './ensure-deps.mjs';

ensureSupportedNode();
ensureDependencies();
// Keeps a pipeline process under 1 GiB of resident memory (BENCHMARKS.md); a 32 MiB young generation
// (16 by default) halves the scavenges of a stream's batches, ~20 % less GC time for no measurable
// RSS. An operator's own NODE_OPTIONS come after, so they win.
const nodeOptions = ['--max-old-space-size=768 --max-semi-space-size=32', process.env.NODE_OPTIONS ?? '']
  .join(' ')
  .trim();
const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli/main.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: nodeOptions },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // The terminal sent SIGINT to the whole group; forward only what it did not (e.g. `kill`).
    if (signal !== 'SIGINT') child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));

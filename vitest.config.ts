import { defineConfig } from 'vitest/config';

// Every test file runs once per backend CI exercises: wasm (the fast one for Dense models in
// Node) and cpu (the only one here that trains Conv2D).
const backends = ['cpu', 'wasm'] as const;

export default defineConfig({
  test: {
    projects: backends.map((backend) => ({
      test: {
        name: backend,
        include: ['test/**/*.test.ts'],
        setupFiles: ['test/setup-backend.ts'],
        env: { TFJS_BACKEND: backend },
        pool: 'forks',
        testTimeout: 60_000,
        hookTimeout: 60_000,
      },
    })),
  },
});

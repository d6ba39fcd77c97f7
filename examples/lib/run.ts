/**
 * Runs an example's main function and prints a failure as one readable line. Without this, an
 * unhandled rejection reaches the wasm backend's process-wide handler, which rethrows it and
 * makes Node print a whole minified file.
 */
export function runExample(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      process.exitCode = 1;
    },
  );
}

/**
 * Imported first by every bench server: SIGUSR2 runs a full garbage collection (the child runs with
 * --expose-gc) and answers `gc-done <JS heap bytes in use>` on stdout, so the memory scenario compares
 * what each server keeps, not how much garbage it happened to leave uncollected.
 */
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, heapTotal } = process.memoryUsage();
  process.stdout.write(`gc-done ${heapUsed} ${heapTotal}\n`);
});

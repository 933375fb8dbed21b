// bench/servers/gc.ts for a child that runs plain Node (the idle scenario's `npm start` bundle, which
// must not load a TypeScript loader that would count in its memory): SIGUSR2 runs a full garbage
// collection (with --expose-gc) and answers `gc-done <heap in use> <heap committed>` on stdout.
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  const { heapUsed, heapTotal } = process.memoryUsage();
  process.stdout.write(`gc-done ${heapUsed} ${heapTotal}\n`);
});

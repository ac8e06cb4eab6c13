/**
 * Preloaded into the server by `npm run bench:load` (node --expose-gc -r this file): answers
 * the bench's "memory?" over the IPC channel with process.memoryUsage() taken after full garbage
 * collections, so a reading says what the server keeps, not what it has yet to collect.
 */
process.on('message', (message) => {
  if (message !== 'memory?') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  process.send?.({ memory: process.memoryUsage() });
});

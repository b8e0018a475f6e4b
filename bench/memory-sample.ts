/** One sample of bench/memory-probe.mjs, MB (and when, ms since the epoch). */
export interface MemorySample {
  at: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

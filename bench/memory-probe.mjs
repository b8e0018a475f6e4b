// Preloaded into a server under a bench (`--import`): samples what its memory is made of every 100 ms
// and writes the samples to MEMORY_PROBE_FILE when the process exits. RSS alone does not say whether
// the heap, Buffers outside it, or the runtime itself is what grew. Plain JavaScript: the server runs
// compiled, and a TypeScript loader preloaded for the probe would add its own memory to what it measures.
// Each sample is a MemorySample (bench/memory-sample.ts).
import { writeFileSync } from 'node:fs';
import { setInterval } from 'node:timers';

const file = process.env.MEMORY_PROBE_FILE;
const samples = [];
const mb = (bytes) => Math.round(bytes / 1024 / 102.4) / 10;

function sample() {
  const m = process.memoryUsage();
  samples.push({ at: Date.now(), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) });
}

if (file) {
  setInterval(sample, 100).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(file, JSON.stringify(samples));
  });
}

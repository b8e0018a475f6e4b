/**
 * The small subset of Kubernetes quantities that the config schemas accept, as whole numbers so that
 * sums and comparisons are exact: CPU in millicores, memory in bytes.
 */
const CPU_RE = /^(?:([1-9][0-9]{0,5})m|([0-9]{1,3})(?:\.([0-9]{1,3}))?)$/;
const MEMORY_RE = /^([1-9][0-9]{0,6})(Ki|Mi|Gi|k|M|G)$/;
const MEMORY_UNITS = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 } as const;

export function parseCpu(text: string): number | null {
  const m = CPU_RE.exec(text);
  if (!m) return null;
  if (m[1] !== undefined) return Number(m[1]);
  return Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0'));
}

export function parseMemory(text: string): number | null {
  const m = MEMORY_RE.exec(text);
  if (!m) return null;
  return Number(m[1]) * MEMORY_UNITS[m[2] as keyof typeof MEMORY_UNITS];
}

/** Millicores as a quantity: whole cores when exact (`2`), else millicores (`1250m`). */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** Bytes as a quantity in the largest binary unit that divides them exactly. */
export function formatMemory(bytes: number): string {
  for (const unit of ['Gi', 'Mi', 'Ki'] as const) {
    if (bytes % MEMORY_UNITS[unit] === 0) return `${bytes / MEMORY_UNITS[unit]}${unit}`;
  }
  return String(bytes);
}

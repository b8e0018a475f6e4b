/** How long to wait before retry `attempt` (0-based): exponential, capped, with full jitter. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Full jitter (a uniformly random wait up to the exponential bound) spreads competing writers apart,
 * which is what a push race needs. `random` is passed in so that tests are deterministic.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const bound = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random() * bound);
}

import type { ThrottlingOptions } from '@octokit/plugin-throttling';

/** The limiter group shape the throttling plugin accepts for its `write` and `notifications` options. */
export type LimiterGroup = NonNullable<ThrottlingOptions['write']>;

type Job = (...args: unknown[]) => unknown;

/**
 * A stand-in for the throttling plugin's Bottleneck group (`key(id).schedule(options?, job, ...args)`, the
 * only calls it makes on its write groups): jobs of one key start in order, each at least `intervalMs`
 * after the previous one started (the plugin schedules an empty job there, then sends the request). Bottleneck itself is only a transitive dependency here.
 */
export function pacedGroup(intervalMs: number): LimiterGroup {
  const lanes = new Map<string, { tail: Promise<unknown>; lastStart: number }>();

  function schedule(key: string, args: unknown[]): Promise<unknown> {
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { tail: Promise.resolve(), lastStart: Number.NEGATIVE_INFINITY }));
    const [first, ...rest] = args;
    // Bottleneck's schedule takes optional job options first.
    const [job, jobArgs] = typeof first === 'function' ? [first as Job, rest] : [rest[0] as Job, rest.slice(1)];
    const current = lane;
    const run = current.tail.then(async () => {
      const wait = current.lastStart + intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      current.lastStart = Date.now();
      return job(...jobArgs);
    });
    current.tail = run.catch(() => undefined);
    return run;
  }

  const group = { key: (key = '') => ({ schedule: (...args: unknown[]) => schedule(key, args) }) };
  return group as unknown as LimiterGroup;
}

/**
 * How long a poll waits before it looks again, given how long its last look took: 25 ms after a cheap
 * look (an in-memory check answers at once), twice the look's own time after a costly one (a check that
 * spawns git once per PR takes tens to hundreds of ms), at most 1 s. A poll then spends at most a third
 * of a core on looking, however long it waits: on a loaded 2-core machine a 25 ms loop of `git` processes
 * took CPU from the very service it was waiting for. The caller's deadline stays what it was.
 */
export function pollDelay(lookMs: number): number {
  return Math.min(1000, Math.max(25, 2 * lookMs));
}

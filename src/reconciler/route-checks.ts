import { envFolder } from '../domain/environment.ts';
import type { ChecksChangedHandler } from '../http/checks-changed.ts';
import type { BuildLine } from './build-line.ts';
import type { ReconcileRequest } from './reconcile-request.ts';

/**
 * A CI event (`check_run`, `check_suite`, `workflow_run` completed, or a `status`) plans again every
 * environment held for one of the shas it names: the held PR event is queued once more, and the plan
 * asks GitHub for that sha's checks. Found by sha, not by the event's pull request numbers (GitHub
 * leaves forks' out). Only enqueues; an event that concerns no held environment is ignored (202).
 */
export function routeChecks(builds: Pick<BuildLine, 'forShas'>, enqueue: (req: ReconcileRequest) => boolean): ChecksChangedHandler {
  return (change, delivery, log, inboxId) => {
    const held = builds.forShas(change.owner, change.repo, change.shas);
    const fields = { repo: `${change.owner}/${change.repo}`, shas: change.shas, check: change.name };
    if (held.length === 0) {
      log.debug(fields, 'checks changed; no preview waits for the build of these commits');
      return { accepted: false, reason: 'no preview waits for the build of these commits' };
    }
    // The event's inbox entry is retired once each of its re-plans is settled (retiring twice is a no-op).
    const ids = inboxId === undefined ? {} : { ids: [inboxId] };
    let queued = 0;
    for (const { env, sync } of held) {
      if (enqueue({ env, items: [{ ...sync, ...ids, cause: `${change.event}${change.event === 'status' ? '' : '.completed'}`, delivery }] })) queued++;
    }
    log.info({ ...fields, envs: held.map((h) => envFolder(h.env)), queued }, 'checks changed: planning the waiting previews again');
    if (queued === 0) return { accepted: false, reason: 'previewd is shutting down; the next resync asks GitHub for these checks' };
    return { accepted: true };
  };
}

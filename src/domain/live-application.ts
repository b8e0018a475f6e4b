import type { ArgoApplication } from './argo-application.ts';
import { asArray, asRecord, asString, oneLineMessage } from './argo-reasons.ts';

const MAX_LISTED = 50;

/** What Argo CD says of an environment's Application, for the dashboard's detail page. */
export interface LiveApplication {
  /** The Application's name (preview.json's `id`). */
  name: string;
  /** `status.sync.status` and `status.sync.revision`. */
  sync: string | null;
  revision: string | null;
  /** `status.health.status` and its message. */
  health: string | null;
  healthMessage: string | null;
  /** `status.operationState`: phase, message, when it finished. */
  operation: { phase: string | null; message: string | null; finishedAt: string | null } | null;
  /** `status.conditions`, as Argo CD words them. */
  conditions: Array<{ type: string; message: string }>;
  /** The resources whose health is not Healthy (or whose last sync result was not Synced). */
  unhealthy: Array<{ kind: string; name: string; namespace: string | null; status: string; message: string | null }>;
  /** `status.summary.externalURLs`. */
  externalUrls: string[];
}

/**
 * What the dashboard shows of an Application, read defensively (the object is Argo CD's, and any field
 * may be missing or of another shape): sync, health, the last operation, conditions, and the resources
 * that are not Healthy. Messages are one bounded line each.
 */
export function liveApplication(app: ArgoApplication): LiveApplication {
  const status = asRecord(asRecord(app).status);
  const sync = asRecord(status.sync);
  const health = asRecord(status.health);
  const op = asRecord(status.operationState);
  const message = (value: unknown): string | null => {
    const text = asString(value);
    return text === null ? null : oneLineMessage(text);
  };
  const conditions = asArray(status.conditions).map(asRecord).slice(0, MAX_LISTED)
    .map((c) => ({ type: asString(c.type) ?? 'Unknown', message: message(c.message) ?? '' }));
  const unhealthy = asArray(status.resources).map(asRecord)
    .filter((r) => {
      const h = asString(asRecord(r.health).status);
      return (h !== null && h !== 'Healthy') || (r.status !== undefined && r.status !== 'Synced');
    })
    .slice(0, MAX_LISTED)
    .map((r) => ({
      kind: asString(r.kind) ?? '?', name: asString(r.name) ?? '?', namespace: asString(r.namespace),
      status: asString(asRecord(r.health).status) ?? asString(r.status) ?? 'Unknown', message: message(asRecord(r.health).message),
    }));
  return {
    name: asString(asRecord(app.metadata).name) ?? '',
    sync: asString(sync.status), revision: asString(sync.revision),
    health: asString(health.status), healthMessage: message(health.message),
    operation: Object.keys(op).length === 0 ? null : { phase: asString(op.phase), message: message(op.message), finishedAt: asString(op.finishedAt) },
    conditions, unhealthy,
    externalUrls: asArray(asRecord(status.summary).externalURLs).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u)).slice(0, MAX_LISTED),
  };
}

import type { PreviewJson } from './preview-json.ts';

/** What an environment keeps across renders: when it was made, a preservation, and sleep. */
export interface CarriedFields {
  createdAt?: string;
  preservedUntil: string | null;
  sleeping: boolean;
}

/**
 * The fields of an existing preview.json that a new render keeps (a push does not wake a sleeping
 * environment, nor end a preservation). The one rule for the service's plan and the CLI's `render`.
 */
export function carriedFields(previous: Partial<PreviewJson> | null | undefined): CarriedFields {
  return {
    ...(previous?.createdAt ? { createdAt: previous.createdAt } : {}),
    preservedUntil: previous?.preservedUntil ?? null,
    sleeping: previous?.sleeping === true,
  };
}

import type { PreviewJson } from './preview-json.ts';

type Lifecycle = Pick<Partial<PreviewJson>, 'expiresAt' | 'preservedUntil'> | null | undefined;

/** How long before its TTL ends the PR is warned, once. */
export const EXPIRY_WARNING_MS = 60 * 60_000;

/** Whether a preview is preserved at `now` (kept past its TTL and its PR's close). */
export function isPreserved(preview: Lifecycle, now: Date): boolean {
  return preview?.preservedUntil ? Date.parse(preview.preservedUntil) > now.getTime() : false;
}

/** When the environment may be removed for its TTL (ms): the later of its expiry and its preservation. */
export function keptUntil(preview: Lifecycle): number {
  const expires = preview?.expiresAt ? Date.parse(preview.expiresAt) : Number.POSITIVE_INFINITY;
  const preserved = preview?.preservedUntil ? Date.parse(preview.preservedUntil) : 0;
  return Math.max(expires, preserved);
}

/** Whether the TTL has run out at `now` (a preservation still running keeps it). */
export function isExpired(preview: Lifecycle, now: Date): boolean {
  return keptUntil(preview) <= now.getTime();
}

/**
 * The "expires within the hour" warning: `at` is when it starts to be shown (null when the preview
 * never expires or is preserved), `now` whether it is shown at `now` (from `at` until the expiry).
 */
export function expiryWarning(preview: Lifecycle, now: Date): { at: number | null; now: boolean } {
  const expires = preview?.expiresAt ? Date.parse(preview.expiresAt) : null;
  if (expires === null || Number.isNaN(expires) || isPreserved(preview, now)) return { at: null, now: false };
  const at = expires - EXPIRY_WARNING_MS;
  return { at, now: now.getTime() >= at && now.getTime() < expires };
}

import { html, safeHref, type Html } from './html.ts';

/** How a state looks: a symbol and a word as well as a colour, so that colour is never the only cue. */
const STATES: Record<string, { symbol: string; tone: string }> = {
  ready: { symbol: '✓', tone: 'ok' },
  deploying: { symbol: '◔', tone: 'busy' },
  committed: { symbol: '↑', tone: 'busy' },
  pending: { symbol: '…', tone: 'busy' },
  building: { symbol: '⧗', tone: 'busy' },
  failed: { symbol: '✕', tone: 'bad' },
  refused: { symbol: '⊘', tone: 'bad' },
  'rolled-back': { symbol: '↶', tone: 'warn' },
  waiting: { symbol: '⏸', tone: 'warn' },
  sleeping: { symbol: '☾', tone: 'idle' },
  destroyed: { symbol: '∅', tone: 'idle' },
  skipped: { symbol: '–', tone: 'idle' },
  unknown: { symbol: '?', tone: 'idle' },
};

/** The order states are counted in at the top of the list. */
export const STATE_ORDER = ['ready', 'deploying', 'committed', 'pending', 'building', 'failed', 'refused', 'rolled-back', 'waiting', 'sleeping', 'unknown'];

export function stateBadge(state: string): Html {
  const look = STATES[state] ?? { symbol: '?', tone: 'idle' };
  return html`<span class="state state-${look.tone}" data-state="${state}"><span class="state-symbol" aria-hidden="true">${look.symbol}</span> ${state}</span>`;
}

function span(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${Math.max(1, Math.round(abs / 1000))} s`;
  if (abs < 3_600_000) return `${Math.round(abs / 60_000)} min`;
  if (abs < 172_800_000) return `${Math.round(abs / 3_600_000)} h`;
  return `${Math.round(abs / 86_400_000)} d`;
}

/** "5 min ago" or "in 3 h" from `now`; null when there is no instant (or it is not a date). */
export function relativeWords(iso: string | null, now: Date): string | null {
  const at = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(at)) return null;
  const ms = at - now.getTime();
  return ms <= 0 ? `${span(ms)} ago` : `in ${span(ms)}`;
}

/** `words` (relativeWords of `iso`) in a <time> that carries the exact instant (shown on hover); a dash when null. */
export function timeTag(iso: string | null, words: string | null): Html {
  if (words === null || !iso) return html`<span class="muted">—</span>`;
  const instant = new Date(Date.parse(iso)).toISOString();
  return html`<time datetime="${instant}" title="${instant}">${words}</time>`;
}

/** "5 min ago" or "in 3 h", in a <time> that carries the exact instant (shown on hover). */
export function relativeTime(iso: string | null, now: Date): Html {
  return timeTag(iso, relativeWords(iso, now));
}

/** A link when the URL is http(s), else the text alone. */
export function link(url: string | null, text: string, className?: string): Html {
  const href = safeHref(url);
  if (href === null) return html`<span class="${className ?? ''}">${text}</span>`;
  return html`<a href="${href}" class="${className ?? ''}" rel="noreferrer noopener">${text}</a>`;
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '—';
}

/** The link to an environment's own page (each part encoded: they come from the GitOps tree). */
export function detailPath(env: { owner: string; repo: string; pr: number }): string {
  return `/previews/${encodeURIComponent(env.owner)}/${encodeURIComponent(env.repo)}/${env.pr}`;
}

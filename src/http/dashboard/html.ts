/**
 * HTML built by construction: `html` is a tagged template whose interpolations are escaped unless they
 * are themselves `Html` (made by `html` or `raw`). Text from a webhook, a branch, a title or Argo CD can
 * therefore only ever be text. Arrays are joined; null, undefined and false render as nothing.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML content and quoted attribute values. */
const SPECIAL = /[&<>"'`]/;

export function escapeHtml(text: string): string {
  // Most text (shas, dates, names) has nothing to escape: no new string for it.
  return SPECIAL.test(text) ? text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] as string) : text;
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value as readonly HtmlValue[]) out += render(item);
    return out;
  }
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Markup the caller vouches for (a constant; never text from outside). */
export function raw(text: string): Html {
  return new Html(text);
}

/** An href only when it is http(s): a `javascript:` URL from a payload never becomes a link. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

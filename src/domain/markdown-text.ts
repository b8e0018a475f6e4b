/**
 * Text that reaches a GitHub comment from outside previewd (a PR's `.github/preview.yaml`, Argo CD's
 * messages, which quote manifest values) must stay text: no HTML, no links, no table or code breaks,
 * no @mentions or cross-references that would notify people. GitHub finds mentions and `#123`
 * references in the rendered text (after entities are decoded), so an entity alone does not stop them:
 * a zero-width space after `@` and `#` does, as Renovate and Dependabot do.
 */

const MAX_TEXT = 500;
const ZWSP = '&#8203;';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '`': '&#96;',
  '|': '&#124;',
  '@': `@${ZWSP}`,
  '#': `#${ZWSP}`,
};

/** One line of inert Markdown text for any input, at most about 500 characters of it. */
export function escapeMarkdownText(text: string, max: number = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  let flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length > max) flat = `${Array.from(flat).slice(0, max - 1).join('')}…`;
  return flat.replace(/[&<>`|@#]/g, (ch) => ENTITIES[ch] ?? ch).replace(/[\\*_[\]~!()]/g, (ch) => `\\${ch}`);
}

/** A code span for text previewd knows is plain (names it made, shas); anything else is escaped text. */
export function code(text: string): string {
  return /^[A-Za-z0-9._/:#-]+$/.test(text) ? `\`${text}\`` : escapeMarkdownText(text);
}

/** An http(s) URL without credentials, in a form safe inside `[…](…)`; null for anything else. */
export function safeUrl(text: string | null | undefined): string | null {
  if (typeof text !== 'string') return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return null;
  return url.href.replace(/[()<> "'`|\\]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `[text](url)` with the text escaped; the escaped text alone when the URL is not safe. */
export function link(text: string, url: string | null | undefined): string {
  const href = safeUrl(url);
  const label = escapeMarkdownText(text);
  return href === null ? label : `[${label}](${href})`;
}

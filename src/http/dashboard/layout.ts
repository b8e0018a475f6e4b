import { html, type Html, type HtmlValue } from './html.ts';

/** Who is looking: sign-in is off (no ADMIN_TOKEN), or the visitor is signed in or not; `csrf` goes in every form. */
export type Viewer = { mode: 'read-only' } | { mode: 'signed-out'; csrf: string } | { mode: 'signed-in'; csrf: string };

export interface PageOptions {
  title: string;
  viewer: Viewer;
  /** The path to come back to after signing in or out. */
  back: string;
  /** A one-line outcome of the last action (its kind decides the look). */
  notice?: { kind: 'ok' | 'bad'; text: string } | null;
  body: HtmlValue;
}

export function csrfField(viewer: Viewer): Html {
  return viewer.mode === 'read-only' ? html`` : html`<input type="hidden" name="csrf" value="${viewer.csrf}">`;
}

function account(viewer: Viewer, back: string): Html {
  switch (viewer.mode) {
    case 'read-only':
      return html`<span class="badge" title="previewd runs without ADMIN_TOKEN">read-only</span>`;
    case 'signed-in':
      return html`<form method="post" action="/sign-out" class="inline">${csrfField(viewer)}<input type="hidden" name="back" value="${back}"><span class="muted">signed in as admin</span> <button type="submit" class="link-button">Sign out</button></form>`;
    case 'signed-out':
      return html`<form method="post" action="/sign-in" class="sign-in">${csrfField(viewer)}<input type="hidden" name="back" value="${back}"><label class="sr-only" for="token">Admin token</label><input id="token" name="token" type="password" autocomplete="current-password" placeholder="Admin token" required><button type="submit">Sign in</button></form>`;
  }
}

function readOnlyNote(viewer: Viewer): Html {
  return viewer.mode === 'read-only'
    ? html`<p class="notice notice-info" id="read-only">Read-only: previewd runs without <code>ADMIN_TOKEN</code>, so no one can preserve, destroy, roll back or redeploy from this page. Set it and restart previewd to allow them.</p>`
    : html``;
}

/** The page around every view, in two halves: the body goes between them (the list sends its rows as bytes in there). */
export function pageShell(options: Omit<PageOptions, 'body'>): { start: string; end: string } {
  const notice = options.notice ? html`<p class="notice notice-${options.notice.kind}" role="status" id="notice">${options.notice.text}</p>` : html``;
  // The stylesheet and the script are files: the CSP allows no inline code.
  const start = `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · previewd</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">previewd</a>
  <span id="live" class="live live-off" title="Updates need JavaScript; reload to see changes">static</span>
  <div class="account">${account(options.viewer, options.back)}</div>
</header>
<main>
${readOnlyNote(options.viewer)}${notice}
`.text}`;
  return { start, end: '\n</main>\n</body>\n</html>\n' };
}

/** The page around every view: head, header, notices. */
export function page(options: PageOptions): string {
  const { start, end } = pageShell(options);
  return `${start}${html`${options.body}`.text}${end}`;
}

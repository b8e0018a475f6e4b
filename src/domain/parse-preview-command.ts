import { parseDuration } from './duration.ts';
import { code, escapeMarkdownText } from './markdown-text.ts';
import { PREVIEW_COMMAND_DOCS, previewCommandLines } from './preview-command-list.ts';
import type { PreviewCommand, PreviewCommandKind } from './preview-command.ts';

/** What a comment asked: a command, or what was wrong with it (Markdown, safe to reply with). */
export type ParsedPreviewCommand = { ok: true; command: PreviewCommand } | { ok: false; error: string };

// A command line: at most three spaces of indentation (four make a Markdown code block), then `/preview`
// as a whole word. Case is forgiven: phones capitalise the first letter of a line.
const COMMAND_RE = /^ {0,3}\/preview(?=\s|$)(.*)$/i;
// A fence opens with three or more backticks or tildes, indented at most three spaces.
const FENCE_RE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const COMMIT_RE = /^[0-9a-f]{7,40}$/;
const NO_ARGUMENT: readonly PreviewCommandKind[] = ['help', 'destroy', 'redeploy', 'sleep', 'wake'];

/**
 * The `/preview` command in a pull-request comment: the first line that starts with `/preview`, outside
 * fenced code and quotes (a quote of someone's command is not a new one). null when there is none.
 * Pure; the error says what is accepted, with the comment's own text escaped.
 */
export function parsePreviewCommand(body: string): ParsedPreviewCommand | null {
  let fence: { char: string; length: number } | null = null;
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const fenceMatch = FENCE_RE.exec(line);
    if (fence !== null) {
      // Closed by the same character, at least as many, and nothing after but spaces.
      if (fenceMatch?.[1]?.startsWith(fence.char) && fenceMatch[1].length >= fence.length && (fenceMatch[2] ?? '').trim() === '') fence = null;
      continue;
    }
    if (fenceMatch?.[1] !== undefined) {
      const marks = fenceMatch[1];
      // A backtick fence's info string may not hold a backtick (that line is inline code, not a fence).
      if (!(marks.startsWith('`') && (fenceMatch[2] ?? '').includes('`'))) {
        fence = { char: marks.charAt(0), length: marks.length };
        continue;
      }
    }
    const command = COMMAND_RE.exec(line);
    if (command) return parseWords((command[1] ?? '').trim().split(/\s+/).filter((w) => w !== ''));
  }
  return null;
}

/** The reply to `/preview help`: every command and what it does, as Markdown. */
export function previewCommandHelp(): string {
  return [
    '**previewd commands.** Write one on a line of its own in a comment on this pull request:',
    '',
    ...previewCommandLines(),
    '',
    'A duration is minutes, hours or days: `30m`, `48h`, `7d`. A commit is 7 to 40 characters of a GitOps commit’s sha.',
    'Only people with write access to the repository may run commands.',
    '',
  ].join('\n');
}

function parseWords(words: string[]): ParsedPreviewCommand {
  const [first, ...args] = words;
  // `/preview` alone asks what there is.
  if (first === undefined) return { ok: true, command: { kind: 'help' } };
  const kind = PREVIEW_COMMAND_DOCS.find((doc) => doc.kind === first.toLowerCase())?.kind;
  if (kind === undefined) return { ok: false, error: `${shown(first)} is not a \`/preview\` command. Accepted: ${accepted()}.` };
  if (NO_ARGUMENT.includes(kind)) {
    if (args.length > 0) return { ok: false, error: `\`/preview ${kind}\` takes no argument, and ${shown(args.join(' '))} was given.` };
    return { ok: true, command: { kind } as PreviewCommand };
  }
  if (args.length > 1) return { ok: false, error: `\`/preview ${kind}\` takes at most one argument, and ${shown(args.join(' '))} was given.` };
  const arg = args[0]?.toLowerCase() ?? null;
  if (kind === 'preserve') {
    if (arg !== null && parseDuration(arg) === null) {
      return { ok: false, error: `${shown(args[0] ?? '')} is not a duration: write minutes, hours or days, such as \`30m\`, \`48h\` or \`7d\` (or nothing, for 48h).` };
    }
    return { ok: true, command: { kind, duration: arg } };
  }
  if (arg !== null && !COMMIT_RE.test(arg)) {
    return { ok: false, error: `${shown(args[0] ?? '')} is not a GitOps commit: give 7 to 40 hexadecimal characters of its sha, such as \`1a2b3c4\` (or nothing, for the deploy before the last).` };
  }
  return { ok: true, command: { kind: 'rollback', to: arg } };
}

function accepted(): string {
  return PREVIEW_COMMAND_DOCS.map((doc) => `\`${doc.usage.replace(/^\/preview /, '')}\``).join(', ');
}

/** The comment's own text, inert in Markdown and short. */
function shown(text: string): string {
  return text.length > 40 ? escapeMarkdownText(text, 40) : code(text);
}

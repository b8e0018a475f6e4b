/** What an explicit action (a PR command, an API write, an expiry) came to. */
export type ActionOutcome =
  | { status: 'committed'; commit: string; message: string }
  | { status: 'unchanged'; message: string }
  | { status: 'refused'; message: string }
  | { status: 'not-found'; message: string };

// Each command's --help, as data: printing it loads none of the command's modules.
export const USAGES = {
  serve: `Usage: previewd serve

Serves POST /webhooks/github, the API, /docs, /healthz, /readyz and /metrics. Settings come from environment
variables (README.md, "Settings"); with none at all, previewd runs on its embedded defaults: a local GitOps
repository in DATA_DIR (./.previewd), a generated webhook secret, no GitHub reporting and no cluster.
One process per DATA_DIR: a second one is refused (exit 2), naming the holder; so is a taken PORT.
SIGTERM or SIGINT: stop taking events, finish and publish what was accepted, exit 0.`,
  simulate: `Usage: previewd simulate opened|synchronize|closed|reopened --repo O/R --pr N [--sha S] [--author A] [--branch B] [--url URL]

Signs a realistic pull_request webhook with the running previewd's secret (WEBHOOK_SECRET, else the one
generated in DATA_DIR) and sends it to previewd (--url, default http://127.0.0.1:$PORT), as GitHub would.
Without --sha, a new random head commit (a push) is simulated. Exit 0 when previewd accepted it (202).`,
  list: `Usage: previewd list [--json]

Reads the GitOps repository of the settings (the same as the service's) and lists every environment.`,
  history: `Usage: previewd history OWNER/REPO#N [--json]

The GitOps commits that changed the environment's folder, newest first (git log -- previews/<owner>/<repo>/pr-<n>).`,
  reconcile: `Usage: previewd reconcile --once

Runs one full resync round now — open pull requests without their environment get one, environments
of closed pull requests are removed, expired ones expire — and prints every commit it made. It is the
round the service runs on RESYNC_SCHEDULE, made as a writer of its own beside a running service (a
clone of its own for a remote; refs of its own in the local repository), published by compare-and-swap.`,
  rollback: `Usage: previewd rollback OWNER/REPO#N --to COMMIT [--actor NAME]

Restores the environment's folder to its content at COMMIT (a GitOps commit that changed it, as
'previewd history OWNER/REPO#N' lists them) in a new commit with Preview-Action: rollback, and pushes it.
Works on the GitOps repository of the settings (the same as the service's), beside a running service:
a remote through a clone of the CLI's own in DATA_DIR, a local repository on refs of its own; the
branch moves only by compare-and-swap, so neither writer ever overwrites the other.

  --to COMMIT    the GitOps commit to restore (full or abbreviated id)
  --actor NAME   recorded as Preview-Actor (default: your OS user name)

Exit codes: 0 rolled back (or nothing to change), 1 refused, 2 usage.`,
  revert: `Usage: previewd revert COMMIT [--actor NAME]

Undoes what GitOps commit COMMIT did to the one environment folder it changed: a new commit restores
that folder as it was just before COMMIT (Preview-Action: rollback, Preview-Target: COMMIT's parent),
and is pushed as 'previewd rollback' pushes. Other PRs' folders are never touched, unlike a plain
'git revert', whose rename detection can pair a removed folder's files with a sibling's. A commit that
changed several environments, or files outside previews/, is refused with the git command to use.

  --actor NAME   recorded as Preview-Actor (default: your OS user name)

Exit codes: 0 reverted (or nothing to change), 1 refused, 2 usage.`,
  init: `Usage: previewd init DIR

Creates a new GitOps repository in DIR from previewd's skeleton (apps/demo/base, components/,
previews/, previewd.yaml, README.md) with one initial commit on branch main. DIR must not exist
or be empty. The author is previewd <previewd@localhost> unless GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL are set.`,
  render: `Usage: previewd render --repo O/R --pr N --sha S [--config FILE] [--gitops DIR] [--out DIR]
                      [--branch B] [--author A] [--now ISO-TIME]

Prints the files that pull request N of O/R would get, with the same validation as the service.
  --config FILE   the app repository's .github/preview.yaml (default: none, all defaults)
  --gitops DIR    the GitOps repository whose previewd.yaml registers the app
                  (default: the gitops-repo-skeleton shipped with previewd)
  --out DIR       write the files to DIR/previews/<owner>/<repo>/pr-<n>/ instead of printing them;
                  with --out equal to --gitops, 'kubectl kustomize' builds the result in place
Every problem — of the schema and of the policy — is printed at once, with the file, the path inside it
and what is accepted; the exit code is then 1.`,
} as const;

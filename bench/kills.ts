// `npm run bench -- kills`: issue 11's fault proof at full scale, outside the suite's time: kill -9 at five
// moments of a burst of 200 `opened` events, GitHub off and on; after the last restart every PR has its
// environment with one create commit and fsck is clean (the helper asserts it). Prints the time to
// converge from the first delivery, and the moments of the kills.
import { createFakeGitHub } from '../test/helpers/fake-github.ts';
import { killDuringBurst, type KillScale } from '../test/helpers/kill-during-burst.ts';

const FULL: KillScale = { prs: 200, kills: [10, 50, 100, 150, 190] };

export async function benchKills(): Promise<void> {
  for (const githubOn of [false, true]) {
    const github = githubOn ? await createFakeGitHub() : null;
    const started = performance.now();
    try {
      const summary = await killDuringBurst(github, FULL);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      console.log(`kills, GitHub ${githubOn ? 'on' : 'off'}: ${FULL.prs} PRs, ${summary}; ${seconds} s from the first delivery to the last check`);
      console.log(JSON.stringify({ bench: 'kills', figure: `github ${githubOn ? 'on' : 'off'}`, prs: FULL.prs, kills: FULL.kills.length, seconds, summary }));
    } finally {
      await github?.close();
    }
  }
}

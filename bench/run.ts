// `npm run bench [-- NAME…]`: runs the named benchmarks (all when none is named).
import { benchCli } from './cli.ts';
import { benchDashboard } from './dashboard.ts';
import { benchFeedback } from './feedback.ts';
import { benchInbox } from './inbox.ts';
import { benchKills } from './kills.ts';
import { benchKube } from './kube.ts';
import { benchNewPrHistory } from './new-pr-history.ts';
import { benchNewPrs } from './new-prs.ts';
import { benchRender } from './render.ts';
import { benchReports } from './reports.ts';
import { benchResync } from './resync.ts';
import { benchService } from './service.ts';
import { benchStore } from './store.ts';

const benches: Record<string, (args: string[]) => Promise<void>> = { store: benchStore, service: benchService, feedback: benchFeedback, resync: benchResync, cli: benchCli, dashboard: benchDashboard, inbox: benchInbox, kube: benchKube, kills: benchKills, reports: benchReports, render: benchRender, 'new-pr-history': benchNewPrHistory, 'new-prs': benchNewPrs };

const [name, ...rest] = process.argv.slice(2);
const chosen = name === undefined ? Object.keys(benches) : [name];
for (const bench of chosen) {
  const run = benches[bench];
  if (!run) {
    console.error(`unknown benchmark '${bench}'; available: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  await run(rest);
}

// The process entry point: the one place that touches process.argv, the real streams and the exit code.
import { main } from './main.ts';

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
// Exit once the output is written, not when the event loop drains: after SIGTERM, a GitHub write left
// over when SHUTDOWN_TIMEOUT ran out (and its pacing timers) must not keep the process alive.
process.stdout.write('', () => process.exit(code));

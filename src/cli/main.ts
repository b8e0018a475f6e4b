import { readFileSync } from 'node:fs';
import { EXIT, SettingsError, SetupError, UsageError, type CliIo, type Command } from './command.ts';
import { commands } from './commands.ts';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: previewd <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n` +
    `Run 'previewd <command> --help' for a command's options; 'previewd --version' for the version.\n` +
    `Exit codes: 0 done, 1 refused or failed, 2 usage (the command line or the settings).\n`;
}

/** package.json's version, both from src/cli/ and from dist/cli/. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Runs one command line and returns the exit code (EXIT); never calls process.exit. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(overview());
    return name === undefined ? EXIT.usage : EXIT.done;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`previewd ${version()}\n`);
    return EXIT.done;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`previewd: unknown ${name.startsWith('-') ? 'option' : 'command'} '${name}'.\n\n${overview()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.done;
  }
  try {
    const run = await command.load();
    return await run(rest, io);
  } catch (err) {
    if (err instanceof SettingsError) {
      io.stderr.write(`previewd ${command.name}: ${err.message}\nFix the environment variables above (README.md, "Settings") and start again.\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`previewd ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (err instanceof SetupError) {
      io.stderr.write(`previewd ${command.name}: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`previewd ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}

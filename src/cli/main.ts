import { UsageError, type CliIo, type Command } from './command.ts';
import { commands } from './commands.ts';
import { SettingsError } from './load-cli-settings.ts';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: previewd <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'previewd <command> --help' for a command's options.\n`;
}

/** Runs one command line and returns the exit code; never calls process.exit. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`previewd: unknown command '${name}'.\n\n${overview()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof SettingsError) {
      io.stderr.write(`previewd ${command.name}: ${err.message}\nFix the environment variables above (README.md, "Settings") and start again.\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`previewd ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    io.stderr.write(`previewd ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

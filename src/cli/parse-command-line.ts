import { parseArgs } from 'node:util';
import { UsageError } from './command.ts';

/** One option of a command: a string with a value, or a boolean flag. */
export type OptionSpec =
  | { type: 'string'; check?: (value: string, flag: string) => string }
  | { type: 'boolean' };

/** What a command accepts: its options, and how many positional arguments (named for messages). */
export interface CommandLineSpec<O extends Record<string, OptionSpec>> {
  options: O;
  /** The positional arguments in order, e.g. ['OWNER/REPO#N']; the first `required` must be given. */
  positionals?: readonly string[];
  required?: number;
}

export type ParsedValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : string;
};

export interface ParsedCommandLine<O extends Record<string, OptionSpec>> {
  values: ParsedValues<O>;
  positionals: string[];
}

/**
 * Every command's one argument parser: node's util.parseArgs, strict, with its errors said in
 * previewd's words, naming the flag. `--pr -1` is read as the value "-1" of --pr (and then checked),
 * not as Node's "ambiguous" option; `--pr --sha x` says that --pr needs a value. Throws UsageError.
 */
export function parseCommandLine<O extends Record<string, OptionSpec>>(args: readonly string[], spec: CommandLineSpec<O>): ParsedCommandLine<O> {
  const names = Object.keys(spec.options);
  const normalized: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      normalized.push(...args.slice(i));
      break;
    }
    const flag = /^--([^=]+)$/.exec(arg)?.[1];
    const option = flag === undefined ? undefined : spec.options[flag];
    if (flag === undefined || option === undefined || option.type !== 'string') {
      normalized.push(arg);
      continue;
    }
    const next = args[i + 1];
    // A value that is itself one of the command's options (or nothing at all) means the value is missing.
    if (next === undefined || next === '' || (next.startsWith('--') && names.includes(next.slice(2).split('=')[0] ?? ''))) {
      throw new UsageError(`--${flag} needs a value`);
    }
    normalized.push(`--${flag}=${next}`);
    i++;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: normalized,
      options: Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type }])),
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(translate(err), { cause: err });
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const [name, option] of Object.entries(spec.options)) {
    const value = values[name];
    if (option.type !== 'string' || typeof value !== 'string') continue;
    if (value === '') throw new UsageError(`--${name} needs a value`);
    if (option.check) values[name] = option.check(value, `--${name}`);
  }
  const expected = spec.positionals ?? [];
  const extra = parsed.positionals.slice(expected.length);
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}${expected.length === 0 ? ': this command takes no arguments, only options' : ` after ${expected.join(' ')}`}`);
  }
  const empty = parsed.positionals.findIndex((p) => p.trim() === '');
  if (empty !== -1) throw new UsageError(`${expected[empty] ?? 'an argument'} must not be empty`);
  const missing = expected[parsed.positionals.length];
  if (parsed.positionals.length < (spec.required ?? 0) && missing !== undefined) throw new UsageError(`missing ${missing}`);
  return { values: values as ParsedValues<O>, positionals: parsed.positionals };
}

// util.parseArgs' errors carry a code; its messages speak of "option '--x'" in Node's voice.
function translate(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag.split('=')[0]}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /does not take an argument/.test(message) ? `${flag} takes no value` : `${flag} needs a value`;
  }
  return message;
}

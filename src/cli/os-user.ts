import { userInfo } from 'node:os';
import type { CliIo } from './command.ts';

/** Who ran a command, for Preview-Actor. userInfo throws for a uid without a passwd entry (some containers). */
export function osUser(io: CliIo): string {
  try {
    return userInfo().username;
  } catch {
    return io.env.USER ?? io.env.LOGNAME ?? 'previewd-cli';
  }
}

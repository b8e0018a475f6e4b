import { fullFormats } from 'ajv-formats/dist/formats.js';
import { validate as validateCron } from 'node-cron';

/**
 * The formats the settings schema may name: ajv-formats' full set, and `cron` (RESYNC_SCHEDULE) as
 * node-cron reads it. One object for both the schema compiled at run time (compileSettingsSchema) and
 * the validator generated ahead of time, which refers to these very values by name.
 */
export const settingFormats = {
  ...fullFormats,
  cron: { type: 'string', validate: (text: string): boolean => validateCron(text) },
} as const;

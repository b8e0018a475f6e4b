// `npm run generate`: writes src/generated/settings-validator.ts, the settings schema compiled ahead of
// time (Ajv's standalone code), from schema/settings.schema.json. Run it after changing that schema; the
// test settings-validator-generated.test.ts fails until then. Writes only when the text changed, so an
// unchanged schema leaves src/ (and `npm start`'s build check) alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsValidatorModule } from '../src/domain/compile-settings-schema.ts';

const root = join(import.meta.dirname, '..');
const target = join(root, 'src/generated/settings-validator.ts');
const schema = JSON.parse(readFileSync(join(root, 'schema/settings.schema.json'), 'utf8')) as object;
const text = settingsValidatorModule(schema);
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  // not generated yet
}
if (current === text) {
  process.stdout.write('generate: src/generated/settings-validator.ts is up to date\n');
} else {
  writeFileSync(target, text);
  process.stdout.write('generate: wrote src/generated/settings-validator.ts\n');
}

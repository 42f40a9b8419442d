// `infra init`: the commented infra.yaml it writes shows every setting the schema has, and is itself a valid lab
// definition (also with its commented examples switched on), so the file a student starts from never lies.
import { readFileSync } from 'node:fs';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { schemaFile } from '../paths.js';
import { parseDefinition } from '../definition/definition.js';
import { PROFILES } from '../profiles/names.js';
import { initConfig } from './init.js';

const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as {
  properties: Record<string, { properties?: Record<string, unknown> }>;
};

async function written(): Promise<string> {
  const cwd = tempDir('infra-init-');
  return readFileSync(await initConfig(cwd, undefined, false), 'utf8');
}

it('writes a valid definition that names every setting of the schema, nested ones too', async () => {
  const text = await written();
  expect(parseDefinition(text, 'infra.yaml')).toMatchObject({ ok: true });
  for (const [key, property] of Object.entries(schema.properties)) {
    expect(text).toMatch(new RegExp(`^(# )?${key}:`, 'm'));
    for (const nested of Object.keys(property.properties ?? {}))
      expect(text).toMatch(new RegExp(`^ {2}(# )?${nested}:`, 'm'));
  }
});

it('describes every profile, and its commented examples are valid when switched on', async () => {
  const text = await written();
  for (const profile of PROFILES) expect(text).toMatch(new RegExp(`^#   ${profile}: `, 'm'));
  const uncommented = text.replace(/^(\s*)# (seed|primary|targets|  [a-z]+-\d+):/gm, '$1$2:');
  const parsed = parseDefinition(uncommented, 'infra.yaml');
  expect(parsed).toMatchObject({ ok: true, definition: { seed: 'student-7', database: { primary: 'web-01' } } });
  expect(Object.keys((parsed as { definition: { targets: object } }).definition.targets)).toEqual([
    'lb-01',
    'web-01',
    'web-02',
  ]);
});

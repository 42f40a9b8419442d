// The model's enums are the source; the shipped JSON Schema (read by editors and by stage two of the input) repeats
// them. This test is what keeps the two copies equal.
import { readFileSync } from 'node:fs';
import { schemaFile } from '../paths.js';
import { PROFILES } from '../profiles/names.js';
import { BALANCES, FLAVOURS, IMAGE_SETS, MODES, ROLES } from '../topology/types.js';

const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));

it.each([
  ['balance', schema.properties.balance.enum, BALANCES],
  ['mode', schema.properties.mode.enum, MODES],
  ['database.flavour', schema.properties.database.properties.flavour.enum, FLAVOURS],
  ['images', schema.properties.images.enum, IMAGE_SETS],
  ['profiles[]', schema.properties.profiles.items.enum, PROFILES],
  ['servers[].role', schema.properties.servers.items.properties.role.enum, ROLES],
])('the schema allows exactly the model values for %s', (_field, inSchema, inModel) => {
  expect(inSchema).toEqual([...inModel]);
});

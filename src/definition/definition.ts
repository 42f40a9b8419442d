// Stage one and two of the input (docs/ARCHITECTURE.md, habit 2): parse infra.yaml into a LabDefinition and check its
// shape against the shipped JSON Schema, reporting every problem at once, each with its field path.
import { readFileSync } from 'node:fs';
import { isScalar, parseDocument } from 'yaml';
import { Ajv, type ErrorObject } from 'ajv';
import { schemaFile } from '../paths.js';
import type { Balance, Flavour, ImageSet, Mode, Role } from '../topology/types.js';
import type { Profile } from '../profiles/names.js';

/** infra.yaml as a user writes it: every key optional. */
export interface LabDefinition {
  name?: string;
  domain?: string;
  balance?: Balance;
  mode?: Mode;
  database?: { flavour?: Flavour; primary?: string };
  profiles?: Profile[];
  images?: ImageSet;
  seed?: string;
  port?: number | 'auto';
  httpsPort?: number | 'auto';
  monitorPort?: number | 'auto';
  healthCheck?: Partial<HealthCheckDefinition>;
  servers?: { name: string; role: Role; healthCheck?: Partial<HealthCheckDefinition> }[];
  /** `infra deploy`: the real servers by server name, instead of an inventory file. */
  targets?: Record<string, TargetDefinition>;
}
export interface TargetDefinition {
  host: string;
  user?: string;
  port?: number;
  key?: string;
  address?: string;
  url?: string;
  sshArgs?: string;
  /** `redundant`, on a load balancer: the floating address the LB pair shares. */
  floatingAddress?: string;
}
interface HealthCheckDefinition {
  intervalMs: number;
  fall: number;
  rise: number;
}

export type DefinitionResult = { ok: true; definition: LabDefinition } | { ok: false; problems: string[] };

/** Parses YAML text; syntax errors come back as problems with line and column. */
export function parseDefinition(text: string, source: string): DefinitionResult {
  const doc = parseDocument(text, {
    prettyErrors: true,
    uniqueKeys: true,
    // 0o17 and 0x1F stay strings, so `port: 0o17` is refused by the schema instead of silently meaning 15.
    customTags: (tags) =>
      tags.filter((t) => !(typeof t === 'object' && t.tag === INT_TAG && (t.format === 'OCT' || t.format === 'HEX'))),
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const where = e.linePos?.[0] ? `${source}:${e.linePos[0].line}:${e.linePos[0].col}` : source;
        if (e.code === 'MULTIPLE_DOCS') {
          return `${where}: a second YAML document starts here (a \`---\` line); a lab definition is one document: remove the line or split the file`;
        }
        return `${where}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')} (fix the YAML syntax)`;
      }),
    };
  }
  // Student ids are often numbers: `seed: 12345` (or 007) is the word as written, not a number the schema refuses.
  const seed = doc.get('seed', true);
  if (isScalar(seed) && typeof seed.value === 'number' && typeof seed.source === 'string') seed.value = seed.source;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return {
      ok: false,
      problems: [
        `${source}: uses YAML aliases (*name) more than ${MAX_ALIASES} times over; write the values out instead`,
      ],
    };
  }
  return checkDefinition(value);
}

const INT_TAG = 'tag:yaml.org,2002:int';
/** A lab definition has a handful of repeated values at most; more aliases than this is a YAML bomb. */
const MAX_ALIASES = 100;

let validator: ReturnType<Ajv['compile']> | undefined;
let schema: Record<string, unknown> | undefined;

/** Checks a parsed value against the schema: every problem, one line each, field path first. */
export function checkDefinition(value: unknown): DefinitionResult {
  schema ??= JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    validator = ajv.compile(schema);
  }
  if (validator(value)) return { ok: true, definition: value as LabDefinition };
  return { ok: false, problems: describeErrors(validator.errors ?? [], value) };
}

function describeErrors(errors: ErrorObject[], root: unknown): string[] {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const field = fieldPath(error.instancePath);
    const got = () => ` (got ${shortened(JSON.stringify(valueAt(root, error.instancePath)) ?? 'nothing')})`;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = (error.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
        byField.set(
          joinField(field, key),
          `${joinField(field, key)}: unknown key; allowed here: ${allowed.join(', ')} (check the spelling)`,
        );
        break;
      }
      case 'required': {
        const key = (error.params as { missingProperty: string }).missingProperty;
        byField.set(joinField(field, key), `${joinField(field, key)}: is required`);
        break;
      }
      case 'enum': {
        const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
        byField.set(field, `${field}: must be one of ${allowed.join(', ')}${got()}`);
        break;
      }
      case 'anyOf':
      case 'const':
      case 'type':
      case 'minimum':
      case 'maximum':
      case 'pattern':
      case 'minItems':
      case 'maxItems': {
        // Prefer the schema's own wording of what is expected; an anyOf's branches would otherwise speak twice.
        const expected = expectedAt(error);
        if (byField.has(field) && !expected) break;
        const what = expected ? `must be ${expected}` : (error.message ?? 'is invalid');
        byField.set(field, `${field || '(top level)'}: ${what}${got()}`);
        break;
      }
      default:
        byField.set(field, `${field || '(top level)'}: ${error.message ?? 'is invalid'}`);
    }
  }
  return [...byField.values()];
}

function expectedAt(error: ErrorObject): string | undefined {
  const parent = error.parentSchema as { 'x-expected'?: string } | undefined;
  if (parent?.['x-expected']) return parent['x-expected'];
  const own = schemaNodeAt(error.schemaPath);
  return own?.['x-expected'];
}

/** Walks the schema along an ajv schemaPath like `#/properties/port/anyOf/0/type` to the nearest node with a hint. */
function schemaNodeAt(schemaPath: string): { 'x-expected'?: string } | undefined {
  const parts = schemaPath.replace(/^#\//, '').split('/');
  let node: unknown = schema;
  let found: { 'x-expected'?: string } | undefined;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[part];
    const hint = (node as { 'x-expected'?: string } | undefined)?.['x-expected'];
    if (typeof hint === 'string') found = node as { 'x-expected'?: string };
  }
  return found;
}

/** `/servers/1/name` → `servers[1].name`, the way users read a YAML path. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : joinField(acc, part)), '');
}

function joinField(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

function valueAt(root: unknown, instancePath: string): unknown {
  return instancePath
    .split('/')
    .filter(Boolean)
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      root,
    );
}

/** What a problem echoes of the input: a value of a line at most, so a huge wrong value never floods the terminal. */
function shortened(text: string): string {
  return text.length <= ECHO_CHARS ? text : `${text.slice(0, ECHO_CHARS)}… (${text.length} characters)`;
}
const ECHO_CHARS = 60;

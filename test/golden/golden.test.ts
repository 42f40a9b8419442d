// Golden renders: each valid-* fixture rendered and compared byte for byte with test/golden/<fixture>/.
// Regenerate with `npm run golden:update` (UPDATE_GOLDEN=1), then review the diff like any code change.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDefinition } from '../../src/definition/definition.js';
import { buildLab } from '../../src/definition/build-lab.js';
import { renderLab } from '../../src/render/render-lab.js';
import { fixtureNames, fixtureSite, fixtureText, repoRoot, withoutInlinedAssets } from '../helpers/fixtures.js';
import { labAppBundle } from '../../src/paths.js';

const goldenDir = path.join(repoRoot, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function renderFixture(name: string) {
  const parsed = parseDefinition(fixtureText(name), name);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const lab = buildLab(parsed.definition);
  return renderLab(lab, fixtureSite(lab));
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** The bundled app (1 MB of minified mysql2) is a build product: the golden holds its origin, not its bytes. */
const BUNDLE = 'app/server.js';
const BUNDLE_GOLDEN = `${BUNDLE} is the bundle of lab-app/server.ts built by npm run build (scripts/bundle-app.mjs)\n`;

describe.each(fixtureNames('valid-'))('%s', (name) => {
  const files = renderFixture(name).map((f) =>
    f.path === BUNDLE ? { ...f, content: BUNDLE_GOLDEN } : { ...f, content: withoutInlinedAssets(f.content) },
  );
  const dir = path.join(goldenDir, name);

  it('renders the bundled application server unchanged', () => {
    const bundled = renderFixture(name).find((f) => f.path === BUNDLE)!.content;
    expect(bundled).toBe(readFileSync(labAppBundle, 'utf8'));
    expect(bundled).toContain('/api/visits');
  });

  if (update) {
    rmSync(dir, { recursive: true, force: true });
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.content);
    }
  }

  it('renders the same set of files as its golden', () => {
    expect(files.map((f) => f.path).sort()).toEqual(listFiles(dir).sort());
  });

  it.each(files.map((f) => f.path))('%s matches its golden', (file) => {
    const rendered = files.find((f) => f.path === file)!.content;
    expect(rendered).toBe(readFileSync(path.join(dir, file), 'utf8'));
  });

  it('is deterministic: same input, same bytes', () => {
    expect(renderFixture(name)).toEqual(renderFixture(name));
  });
});

import path from 'node:path';
import { buildLab } from '../definition/build-lab.js';
import { parseDefinition } from '../definition/definition.js';
import { renderLab } from './render-lab.js';
import { mermaidDiagram } from './readme-view.js';
import { fixtureNames, fixtureSite, fixtureText, repoRoot } from '../../test/helpers/fixtures.js';
import { runNode } from '../../test/helpers/run-node.js';

async function parseMermaid(sources: string[]): Promise<{ ok: boolean; type?: string; error?: string }[]> {
  const result = await runNode([path.join(repoRoot, 'test/helpers/mermaid-parse.mjs')], {
    input: JSON.stringify(sources),
    cwd: repoRoot,
  });
  return JSON.parse(String(result.stdout));
}

function readmeDiagram(fixture: string): string {
  const parsed = parseDefinition(fixtureText(fixture), fixture);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const lab = buildLab(parsed.definition);
  const readme = renderLab(lab, fixtureSite(lab)).find((f) => f.path === 'README.md')!.content;
  return readme.match(/```mermaid\n([\s\S]*?)\n```/)![1];
}

it("every valid lab's README diagram parses with Mermaid's own parser, and a broken one does not", async () => {
  const names = fixtureNames('valid-');
  const sources = names.map(readmeDiagram);
  const broken = sources[0].replace('-->', '-->|');
  const results = await parseMermaid([...sources, broken]);
  expect(results.slice(0, names.length)).toEqual(names.map(() => ({ ok: true, type: 'flowchart-v2' })));
  expect(results[names.length].ok).toBe(false);
}, 60_000);

it('the diagram follows the model: a backup edge in active-passive, replication from the primary', () => {
  expect(mermaidDiagram(buildLab({ mode: 'active-passive' }), 'u')).toContain(
    'lb_01_haproxy -.->|backup| web_02_nginx',
  );
  expect(mermaidDiagram(buildLab({}), 'u')).toContain('web_01_db ==>|GTID replication| web_02_db');
  expect(mermaidDiagram(buildLab({}), 'u')).not.toContain('backup');
});

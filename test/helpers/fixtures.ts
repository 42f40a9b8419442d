// Fixture lab definitions (fixtures/valid-*, fixtures/invalid-*) and the expectations written inside them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseSubnet, type LabSite } from '../../src/topology/addressing.js';
import { hasFixedAddresses, hasProfile, type Lab } from '../../src/topology/types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(repoRoot, 'fixtures');

export function fixtureNames(prefix: 'valid-' | 'invalid-'): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

export function fixtureText(name: string): string {
  return readFileSync(path.join(fixturesDir, `${name}.yaml`), 'utf8');
}

/** The `# expect: …` lines of an invalid fixture: each must start one reported problem. */
export function expectedProblems(name: string): string[] {
  return [...fixtureText(name).matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
}

/** Where a fixture's lab sits when rendered for a golden: its own ports, or fixed ones for `auto`. */
export function fixtureSite(lab: Lab): LabSite {
  const secured = hasProfile(lab, 'secured');
  return {
    hostPort: lab.port === 'auto' ? 18080 : lab.port,
    httpsPort: secured ? (lab.httpsPort === 'auto' ? 18443 : lab.httpsPort) : undefined,
    subnet: hasFixedAddresses(lab) ? chooseSubnet(lab.name, []) : undefined,
    // A certificate is random; its stand-in keeps the golden stable.
    certificate: secured ? 'golden-certificate' : undefined,
  };
}

/**
 * What the live pages inline verbatim: uPlot's 50 kB of minified script and its stylesheet (a library's bytes), and
 * the diagram's script and style (templates/pages/, the same in every page, tested on their own). A golden holds a
 * line naming each instead; the page's own markup and script stay byte for byte.
 */
export function withoutInlinedAssets(content: string): string {
  return content
    .replace(/(\/\* uPlot [\d.]+ \(MIT\) \*\/\n)[\s\S]*?(\n<\/style>)/, '$1(uPlot.min.css, inlined)$2')
    .replace(
      /(\/\* uPlot [\d.]+ \(MIT\), bundled with the lab: it runs offline\. \*\/\n)[\s\S]*?(\n\/\* end of uPlot \*\/)/,
      '$1(uPlot.iife.min.js, inlined)$2',
    )
    .replace(/\/\/ The lab's diagram, live: [\s\S]*?\n(\s*<\/script>)/, '(templates/pages/diagram.js, inlined)\n$1')
    .replace(
      /\/\* The lab's diagram \(templates\/pages\/diagram\.js\)[\s\S]*?\n(\s*<\/style>)/,
      '(templates/pages/diagram.css, inlined)\n$1',
    );
}

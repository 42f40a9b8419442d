// Fixture lab definitions (fixtures/valid-*, fixtures/invalid-*) and the expectations written inside them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseSubnet, type LabSite } from '../../src/topology/addressing.js';
import { hasFixedAddresses, hasProfile, webServers, type Lab, type Server } from '../../src/topology/types.js';
import { flavourOf } from '../../src/flavours/index.js';
import { serverDatabase, type HostFacts, type RealServer } from '../../src/targets/platform.js';

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

/**
 * A lab's servers as `infra deploy` reads them, to render its Ansible project: addresses from 10.0.0.10 in the
 * lab's order, each of the release `releaseOf` names ("debian 13" unless told), the web servers with their
 * release's package of the lab's database flavour.
 */
export function fixtureServers(
  lab: Lab,
  releaseOf: (server: Server) => string = () => 'debian 13',
  network: HostFacts['network'] = { interface: 'eth0', cidr: '10.0.0.0/24' },
): Record<string, RealServer> {
  const webs = new Set(webServers(lab).map((s) => s.name));
  return Object.fromEntries(
    lab.servers.map((s, i): [string, RealServer] => {
      const [distribution, release] = releaseOf(s).split(' ');
      const facts: HostFacts = {
        server: s.name,
        distribution,
        release,
        address: `10.0.0.${10 + i}`,
        serviceManager: 'systemd',
        sshPort: 22,
        network,
      };
      return [s.name, { facts, database: webs.has(s.name) ? serverDatabase(flavourOf(lab), facts) : undefined }];
    }),
  );
}

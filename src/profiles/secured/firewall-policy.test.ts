import { buildLab } from '../../definition/build-lab.js';
import { judge, parseProbeOutput, probeScript, type Reach } from '../../checks/firewall.js';
import { allowed, firewallPolicy } from './firewall-policy.js';

const lab = buildLab({ profiles: ['secured'] });
const policy = firewallPolicy(lab);

it('lets the public reach only the LB, web servers only from the LB, each database from the other web servers and infra', () => {
  const anyone = { kind: 'anywhere' } as const;
  expect(allowed(policy, 'lb-01', 443, anyone)).toBe(true);
  expect(allowed(policy, 'lb-01', 80, anyone)).toBe(true);
  expect(allowed(policy, 'web-01', 80, anyone)).toBe(false);
  expect(allowed(policy, 'web-01', 80, { kind: 'server', name: 'lb-01' })).toBe(true);
  expect(allowed(policy, 'web-01', 3306, { kind: 'server', name: 'web-02' })).toBe(true);
  expect(allowed(policy, 'web-01', 3306, { kind: 'server', name: 'lb-01' })).toBe(false);
  expect(allowed(policy, 'web-01', 3306, { kind: 'tools' })).toBe(true);
  // A replica may become the primary (`infra promote`) without a firewall change: the same rule on every database.
  expect(allowed(policy, 'web-02', 3306, { kind: 'server', name: 'web-01' })).toBe(true);
  expect(allowed(policy, 'web-02', 3306, { kind: 'server', name: 'lb-01' })).toBe(false);
  expect(allowed(policy, 'web-02', 3306, { kind: 'tools' })).toBe(true);
  expect(allowed(policy, 'web-01', 5000, { kind: 'server', name: 'lb-01' })).toBe(false);
});

function seen(from: string, lines: string): Map<string, Map<string, Reach>> {
  return new Map([[from, parseProbeOutput(lines)]]);
}

it('finds a hole (open, not allowed) and a block (allowed, not open), and nothing when both agree', () => {
  expect(judge(lab, seen('visitor', 'lb-01 443 open\nweb-01 3306 blocked\nweb-01 5000 refused\n')).wrong).toEqual([]);
  expect(judge(lab, seen('visitor', 'web-01 3306 open\n')).wrong).toEqual([
    { from: 'visitor', to: 'web-01', port: 3306, reach: 'open', expected: 'closed' },
  ]);
  expect(judge(lab, seen('lb-01', 'web-02 80 blocked\n')).wrong).toEqual([
    { from: 'lb-01', to: 'web-02', port: 80, reach: 'blocked', expected: 'open' },
  ]);
});

it('probes every target at once in bash, and reads back one line per probe, ignoring anything else', () => {
  const script = probeScript([
    { server: 'web-01', port: 80 },
    { server: 'web-01', port: 3306 },
  ]);
  expect(script.split('\n')).toHaveLength(3);
  expect(script).toContain('/dev/tcp/web-01/3306');
  expect(script.endsWith('wait')).toBe(true);
  expect([...parseProbeOutput('web-01 80 open\nbash: warning\nweb-01 3306 blocked\n')]).toEqual([
    ['web-01:80', 'open'],
    ['web-01:3306', 'blocked'],
  ]);
});

import { chooseSubnet, overlaps, serverAddress, toolAddresses, visitorRange } from './addressing.js';
import { buildLab } from '../definition/build-lab.js';

it('a lab keeps the same /24 of 172.16.0.0/16 for the same name, and moves past one another network holds', () => {
  const first = chooseSubnet('lab', []);
  expect(first).toMatch(/^172\.16\.\d+\.0\/24$/);
  expect(chooseSubnet('lab', [])).toBe(first);
  const next = chooseSubnet('lab', [first]);
  expect(next).not.toBe(first);
  // A wider network over the whole range leaves nothing to pick: a clear error, not a clash at `compose up`.
  expect(() => chooseSubnet('lab', ['172.16.0.0/12'])).toThrow(/every \/24 of 172\.16\.0\.0\/16 is in use/);
});

it('subnets overlap when one contains the other, not when they are merely neighbours', () => {
  expect(overlaps('172.16.5.0/24', '172.16.0.0/16')).toBe(true);
  expect(overlaps('172.16.5.0/24', '172.16.6.0/24')).toBe(false);
  expect(overlaps('172.17.0.0/16', '172.16.5.0/24')).toBe(false);
});

it('servers get fixed addresses in model order; visitors and infra tools have ranges of their own', () => {
  const lab = buildLab({ profiles: ['secured'] });
  expect(lab.servers.map((s) => serverAddress('172.16.7.0/24', lab, s))).toEqual([
    '172.16.7.10',
    '172.16.7.11',
    '172.16.7.12',
  ]);
  expect(visitorRange('172.16.7.0/24')).toBe('172.16.7.128/26');
  expect(toolAddresses('172.16.7.0/24')).toHaveLength(15);
  expect(toolAddresses('172.16.7.0/24')[0]).toBe('172.16.7.240');
});

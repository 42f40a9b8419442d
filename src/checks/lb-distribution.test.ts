import { buildLab } from '../definition/build-lab.js';
import { judgeDistribution } from './lb-distribution.js';

const alternating = ['web-01', 'web-02', 'web-01', 'web-02', 'web-01', 'web-02'];

it('round robin must alternate across both servers', () => {
  const lab = buildLab({});
  expect(judgeDistribution(lab, alternating)).toBeUndefined();
  expect(judgeDistribution(lab, ['web-01', 'web-01', 'web-02', 'web-02'])).toMatch(/in turn/);
  // A backend in maintenance: everything on web-01.
  expect(judgeDistribution(lab, Array(6).fill('web-01'))).toMatch(/every active server/);
});

it('active-passive must keep every request on web-01', () => {
  const lab = buildLab({ mode: 'active-passive' });
  expect(judgeDistribution(lab, Array(6).fill('web-01'))).toBeUndefined();
  expect(judgeDistribution(lab, alternating)).toMatch(/every request on web-01/);
});

it('source keeps one client on one server; first fills web-01; leastconn uses both', () => {
  expect(judgeDistribution(buildLab({ balance: 'source' }), Array(6).fill('web-02'))).toBeUndefined();
  expect(judgeDistribution(buildLab({ balance: 'source' }), alternating)).toBeDefined();
  expect(judgeDistribution(buildLab({ balance: 'first' }), Array(6).fill('web-01'))).toBeUndefined();
  expect(judgeDistribution(buildLab({ balance: 'leastconn' }), ['web-01', 'web-02', 'web-02'])).toBeUndefined();
  expect(judgeDistribution(buildLab({ balance: 'leastconn' }), ['web-01', 'web-01'])).toBeDefined();
});

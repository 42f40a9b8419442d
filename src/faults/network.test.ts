// The exact commands infra runs in a server's namespace for each network fault, and how each is undone.
import {
  describeFault,
  faultId,
  parseMilliseconds,
  parsePercent,
  parseRate,
  parseSeconds,
  type Fault,
} from './fault.js';
import { applyScript, faultTable, NETEM_PROBE, removeScript } from './network.js';

const fault = (kind: Fault['kind'], servers: string[], amount?: number, jitter?: number): Fault => ({
  id: faultId(kind, servers),
  kind,
  servers,
  amount,
  jitter,
  what: describeFault({ kind, servers, amount, jitter }),
  made_at: '2026-12-05T10:00:00.000Z',
});

it('a partition drops the other side both ways, in a table of its own that heal deletes whole', () => {
  const partition = fault('partition', ['lb-01', 'lb-02']);
  expect(faultTable(partition)).toBe('infra_fault_partition_lb_01_lb_02');
  const script = applyScript(partition, ['172.20.0.3']);
  expect(script).toContain('table inet infra_fault_partition_lb_01_lb_02 {');
  expect(script).toContain('priority -10; policy accept;\n    iif "lo" accept\n    ip saddr { 172.20.0.3 } drop');
  expect(script).toContain('priority -10; policy accept;\n    oif "lo" accept\n    ip daddr { 172.20.0.3 } drop');
  expect(removeScript(partition)).toBe('nft delete table inet infra_fault_partition_lb_01_lb_02 2>/dev/null || true\n');
});

it('loss drops a random share in and out, never on loopback (the server talking to itself)', () => {
  const script = applyScript(fault('loss', ['web-02'], 30));
  expect(script).toContain('iif "lo" accept\n    numgen random mod 100 < 30 drop');
  expect(script).toContain('oif "lo" accept\n    numgen random mod 100 < 30 drop');
});

it('rate, delay and corrupt shape every interface but lo with tc; heal deletes the root qdisc', () => {
  expect(applyScript(fault('rate', ['web-02'], 256))).toContain(
    'tc qdisc add dev "$dev" root tbf rate 256kbit burst 16kb latency 500ms',
  );
  expect(applyScript(fault('delay', ['web-02'], 200, 50))).toContain(
    'tc qdisc add dev "$dev" root netem delay 200ms 50ms',
  );
  expect(applyScript(fault('delay', ['web-02'], 200))).toContain('netem delay 200ms;');
  expect(applyScript(fault('corrupt', ['web-02'], 1))).toContain('tc qdisc add dev "$dev" root netem corrupt 1%');
  expect(applyScript(fault('rate', ['web-02'], 256))).toMatch(/\[ "\$dev" = lo \] && continue/);
  expect(removeScript(fault('rate', ['web-02'], 256))).toContain('tc qdisc del dev "$dev" root 2>/dev/null || true');
  expect(NETEM_PROBE).toBe('tc qdisc add dev lo root netem delay 1ms\n');
});

it('reads the settings a student types, and names the field and the fix otherwise', () => {
  expect(parsePercent('30%', 'PERCENT')).toBe(30);
  expect(parsePercent('5', 'PERCENT')).toBe(5);
  expect(() => parsePercent('130%', 'PERCENT')).toThrow('PERCENT must be a percentage from 1% to 100% (got "130%")');
  expect(parseRate('256kbit', 'RATE')).toBe(256);
  expect(parseRate('1mbit', 'RATE')).toBe(1000);
  expect(() => parseRate('1MB', 'RATE')).toThrow('RATE must be a rate such as 256kbit or 1mbit');
  expect(parseMilliseconds('200ms', 'TIME')).toBe(200);
  expect(parseMilliseconds('1s', 'TIME')).toBe(1000);
  expect(parseSeconds('5s', 'TIME')).toBe(5);
  expect(parseSeconds('2m', 'TIME')).toBe(120);
  expect(() => parseSeconds('0s', 'TIME')).toThrow('TIME must be a time such as 5s or 2m');
});

it('says what each fault does in words', () => {
  expect(fault('loss', ['web-02'], 30).what).toBe('web-02 drops 30% of its packets, in and out');
  expect(fault('rate', ['web-02'], 1000).what).toBe('web-02 sends at most 1 mbit/s');
  expect(fault('partition', ['lb-01', 'lb-02']).what).toBe(
    'lb-01 and lb-02 cannot reach each other (both keep running)',
  );
  expect(fault('lag', ['web-02'], 5).what).toBe("web-02's database applies each change 5 s after the primary made it");
});

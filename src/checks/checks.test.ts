// Each smoke check against a lab made of fakes: FakeRuntime for Docker and HAProxy's runtime API, scripted
// databases, and a small HTTP server on 127.0.0.1 playing the load balancer. Every check passes on the healthy lab
// and fails, with its own message, when the one property it guards is broken.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeLab, type FakeLab } from '../../test/helpers/fake-lab.js';
import { realClock } from '../wait/wait-for.js';
import { serverStates } from '../ops/haproxy.js';
import { buildLab } from '../definition/build-lab.js';
import { appPath } from './app-path.js';
import { CheckFailure, CheckSkipped, request, type Check, type CheckContext } from './check.js';
import { consistency } from './consistency.js';
import { exposure } from './exposure.js';
import { failover } from './failover.js';
import { lbDistribution } from './lb-distribution.js';
import { lbServes } from './lb-serves.js';
import { replicationCheck } from './replication.js';
import { underLoad } from './under-load.js';
import { runChecks } from './runner.js';

const LAB = 'chk';
const lab = buildLab({ name: LAB });

/** What the fake load balancer does; each test breaks one thing. */
interface LbBehaviour {
  status: number;
  /** Who serves unpinned requests, in turn. */
  rotation: string[];
  /** The database role each app reports. */
  roles: Record<string, string>;
  /** Whether a visit written through the LB reaches the replica. */
  replicates: boolean;
  /** A server whose pages are throttled to this many per second, the others queued (as Nginx's limit_req does). */
  throttled?: { server: string; perSecond: number };
}

let t: FakeLab;
let server: http.Server;
let url: string;
let behaviour: LbBehaviour;
let nextVisit = 1;
/** When the throttled server may answer next. */
let nextSlot = 0;

beforeAll(async () => {
  t = fakeLab();
  await t.up({
    cwd: t.cwd,
    name: LAB,
    port: 'auto',
    json: true,
    keep: false,
    smoke: false,
    timeoutSeconds: 5,
  });
  let turn = 0;
  server = http.createServer((req, res) => {
    const pinned = req.headers['x-infra-server'];
    const servedBy = typeof pinned === 'string' ? pinned : behaviour.rotation[turn++ % behaviour.rotation.length];
    res.setHeader('x-served-by', servedBy);
    if (req.url === '/api/whoami') {
      res.end(
        JSON.stringify({
          server: servedBy,
          database: { role: behaviour.roles[servedBy], read_only: false, gtid_position: '0-1-20' },
        }),
      );
    } else if (req.url === '/api/visits' && req.method === 'POST') {
      const id = nextVisit++;
      t.databases.get('web-01').visits.add(id);
      if (behaviour.replicates) t.databases.get('web-02').visits.add(id);
      res.statusCode = 201;
      res.end(JSON.stringify({ id, written_by: servedBy }));
    } else {
      res.statusCode = behaviour.status;
      const throttle = behaviour.throttled;
      if (throttle?.server !== servedBy) return res.end('<html>the index page</html>');
      nextSlot = Math.max(Date.now(), nextSlot) + 1000 / throttle.perSecond;
      setTimeout(() => res.end('<html>the index page</html>'), nextSlot - Date.now());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  behaviour = {
    status: 200,
    rotation: ['web-01', 'web-02'],
    roles: { 'web-01': 'primary', 'web-02': 'replica' },
    replicates: true,
  };
  t.runtime.faults = {};
  nextSlot = 0;
  Object.assign(t.databases.get('web-02'), {
    io: true,
    sql: true,
    readOnly: true,
    lastSqlError: '',
    binlogState: '0-1-20',
    tables: { infra_replication_check: '2/77', visits: '5/123' },
  });
});

async function context(): Promise<CheckContext> {
  return {
    lab,
    dir: '/nonexistent',
    url,
    runtime: t.runtime,
    clock: realClock,
    openSession: t.databases.open,
    containers: await t.runtime.containers(LAB),
    haproxy: `infra-${LAB}-lb-01-haproxy`,
    backendStates: () => serverStates(t.runtime, `infra-${LAB}-lb-01-haproxy`),
    secrets: {
      rootPassword: 'root',
      adminPassword: 'admin',
      replicationPassword: 'repl',
      appPassword: 'app',
      exporterPassword: 'e',
    },
    databases: async () => ({ 'web-01': t.databases.sessionTo('web-01'), 'web-02': t.databases.sessionTo('web-02') }),
    databasePorts: async () => {
      const ports = Object.fromEntries([...t.runtime.forwardedServer].map(([port, s]) => [s, port]));
      return ports;
    },
  };
}

async function failure(check: Check): Promise<string> {
  const error = await check.run(await context()).then(
    (passed) => new Error(`expected ${check.name} to fail, it passed: ${passed}`),
    (e: unknown) => e,
  );
  if (!(error instanceof CheckFailure)) throw error;
  return error.message;
}

it('every check but failover passes on the healthy lab', async () => {
  const results = await runChecks(await context(), { skip: ['failover'] });
  expect(results.map((r) => `${r.name} ${r.status}`)).toEqual([
    'lb-serves passed',
    'lb-distribution passed',
    'app-path passed',
    'replication passed',
    'consistency passed',
    'under-load passed',
    'exposure passed',
    'failover skipped',
  ]);
});

it('lb-serves fails when the LB answers an error', async () => {
  behaviour.status = 503;
  expect(await failure(lbServes)).toBe(`${url}/ answered 503, expected 200`);
});

it('lb-distribution fails when round robin sends everything to one server', async () => {
  behaviour.rotation = ['web-01'];
  expect(await failure(lbDistribution)).toMatch(/^expected every active server \(web-01, web-02\) to take requests/);
});

it("app-path fails when a web server's app reaches the wrong database", async () => {
  behaviour.roles['web-01'] = 'replica';
  expect(await failure(appPath)).toBe("web-01: the app's database is replica, expected primary");
});

it('app-path fails when no web server is UP in HAProxy', async () => {
  t.runtime.faults.backend = { 'web-01': 'MAINT', 'web-02': 'DOWN' };
  expect(await failure(appPath)).toMatch(/^no web server is UP in HAProxy/);
});

it("replication fails when the replica's SQL thread stopped", async () => {
  Object.assign(t.databases.get('web-02'), { sql: false, lastSqlError: 'Duplicate entry' });
  expect(await failure(replicationCheck)).toBe('web-02: IO thread Yes, SQL thread No: SQL: Duplicate entry');
});

it('replication fails naming the transactions a replica wrote itself, before writing anything', async () => {
  t.databases.get('web-02').binlogState = '0-1-20,0-2-21';
  const visitsBefore = t.databases.get('web-01').visits.size;
  expect(await failure(replicationCheck)).toMatch(/^web-02 executed transactions web-01 never did \(0-2-21\)/);
  expect(t.databases.get('web-01').visits.size).toBe(visitsBefore);
});

it('replication fails when a write does not reach the replica in time', async () => {
  behaviour.replicates = false;
  expect(await failure(replicationCheck)).toMatch(/^visit \d+ \(written via web-0\d\) not on web-02 after 2000 ms$/);
});

it('replication fails when the replica accepts a write from the app', async () => {
  t.databases.get('web-02').readOnly = false;
  expect(await failure(replicationCheck)).toBe('web-02 accepted a write from the app user: it is not read-only');
});

it('consistency fails naming the table whose rows differ on a replica, while replication runs', async () => {
  t.databases.get('web-02').tables.visits = '5/999';
  expect(await failure(consistency)).toBe(
    'web-02 differs from web-01: footer.visits (id all): primary 5 rows/123, replica 5 rows/999. ' +
      'Something wrote on web-02 outside replication; rebuild it: `infra down --name chk --volumes && infra up --name chk`',
  );
});

it('exposure fails naming a database port published on the host', async () => {
  const unpublish = t.runtime.publish(`infra-${LAB}-web-01-db`, {
    port: '3306/tcp',
    hostIp: '0.0.0.0',
    hostPort: '3306',
  });
  try {
    expect(await failure(exposure)).toBe(
      "published beyond the LB: web-01 3306/tcp on 0.0.0.0:3306: not the load balancer's port",
    );
  } finally {
    unpublish();
  }
});

it('failover is skipped, not failed, when a web server is not UP to begin with', async () => {
  t.runtime.faults.backend = { 'web-02': 'MAINT' };
  await expect(failover.run(await context())).rejects.toBeInstanceOf(CheckSkipped);
});

it('under-load fails when one server is slow only under load, naming it (a single request is fast there)', async () => {
  behaviour.throttled = { server: 'web-02', perSecond: 20 };
  expect((await request(`${url}/`, { pin: 'web-02' })).ms).toBeLessThan(500);
  expect(await failure(underLoad)).toMatch(
    /^the site's p90 was \d+(\.\d)? ms, against a median of .* on web-01: web-02 answers slowly when requests come together/,
  );
});

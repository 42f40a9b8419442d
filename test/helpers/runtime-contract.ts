// One contract for every ContainerRuntime (docs/ARCHITECTURE.md, habit 5): what use cases rely on, asserted the same
// way on FakeRuntime (src/runtime/fake-runtime.test.ts, a lab booted by `up` over the fakes) and on DockerRuntime
// (test/e2e/runtime-contract.test.ts, a lab booted by `infra up`). A fake that drifts from Docker fails here, not
// in the use case whose unit tests it would make pass wrongly. The tests run in order on one lab and end by
// removing it.
import { serverStates } from '../../src/ops/haproxy.js';
import { isHelper, isReady, type ComponentState, type ContainerRuntime } from '../../src/runtime/port.js';
import { VERSION } from '../../src/version.js';

export interface ContractLab {
  runtime: ContainerRuntime;
  /** A running built-in lab (lb-01, web-01, web-02), booted without the smoke checks. */
  lab: string;
  /** Its folder, as infra wrote it. */
  dir: string;
  /** The LB's published port on 127.0.0.1. */
  port: number;
}

const SERVERS = { 'lb-01': ['haproxy'], 'web-01': ['nginx', 'app', 'db'], 'web-02': ['nginx', 'app', 'db'] };

export function runtimeContract(boot: () => Promise<ContractLab>): void {
  let t: ContractLab;
  const named = async (name: string): Promise<ComponentState> => {
    const found = (await t.runtime.containers(t.lab)).find((c) => c.name === `infra-${t.lab}-${name}`);
    if (!found) throw new Error(`no container infra-${t.lab}-${name}`);
    return found;
  };

  beforeAll(async () => {
    t = await boot();
  });

  it("lists each server's host and components, labelled with the lab, server and kind, ready, from the lab folder", async () => {
    const mine = await t.runtime.containers(t.lab);
    const expected = Object.entries(SERVERS).flatMap(([server, kinds]) => [
      { name: `infra-${t.lab}-${server}`, server, component: 'host' },
      ...kinds.map((kind) => ({ name: `infra-${t.lab}-${server}-${kind}`, server, component: kind })),
    ]);
    // infra's helpers (the lease, the database forwarder) are no server's.
    const components = mine.filter((c) => !isHelper(c));
    expect(components.map(({ name, server, component }) => ({ name, server, component }))).toEqual(
      expect.arrayContaining(expected),
    );
    expect(components).toHaveLength(expected.length);
    for (const c of components) {
      expect(c).toMatchObject({ lab: t.lab, workingDir: t.dir, staleNetwork: false, infraVersion: VERSION });
      expect(isReady(c)).toBe(true);
    }
    // Every lab's listing holds this one; another lab's name lists none of it.
    expect((await t.runtime.containers()).filter((c) => c.lab === t.lab)).toHaveLength(mine.length);
    expect(await t.runtime.containers(`${t.lab}-none`)).toEqual([]);
  });

  it('knows the lab by name and its two databases’ volumes', async () => {
    expect(await t.runtime.labNames()).toContain(t.lab);
    expect(await t.runtime.volumes(t.lab)).toHaveLength(2);
  });

  it('says what the engine has to run labs: memory in bytes (at least the lab it runs) and CPUs', async () => {
    const { memoryBytes, cpus } = await t.runtime.capacity();
    expect(memoryBytes).toBeGreaterThan(512 * 1024 ** 2);
    expect(Number.isInteger(cpus) && cpus >= 1).toBe(true);
  });

  it("publishes the LB's port on 127.0.0.1 only, on the LB's host", async () => {
    const host = await named('lb-01');
    expect(host.publishedPort).toEqual({ ip: '127.0.0.1', port: t.port });
    expect(await t.runtime.publishedPorts(host.id)).toContainEqual({
      port: '80/tcp',
      hostIp: '127.0.0.1',
      hostPort: String(t.port),
    });
    expect(await t.runtime.publishedPorts((await named('web-01-db')).id)).toEqual([]);
  });

  it("answers HAProxy's show stat through exec: both web servers UP", async () => {
    const states = await serverStates(t.runtime, `infra-${t.lab}-lb-01-haproxy`);
    expect(states).toEqual({ 'web-01': 'UP', 'web-02': 'UP' });
  });

  it('stops and starts a component: not running, listed as exited, exec refused with a code (no throw), running again', async () => {
    const nginx = await named('web-01-nginx');
    await t.runtime.stop(nginx.id, 1);
    expect(await t.runtime.isRunning(nginx.id)).toBe(false);
    expect((await named('web-01-nginx')).state).toBe('exited');
    const refused = await t.runtime.exec(nginx.name, ['true']);
    expect(refused.exitCode).not.toBe(0);
    await t.runtime.start(nginx.id);
    expect(await t.runtime.isRunning(nginx.id)).toBe(true);
    await t.runtime.restart(nginx.id, 1);
    expect((await named('web-01-nginx')).state).toBe('running');
    expect(typeof (await t.runtime.logTail(nginx.id, 5))).toBe('string');
  });

  it('pauses a component (listed paused, frozen, not dead) and lets it run again', async () => {
    const app = await named('web-02-app');
    await t.runtime.pause(app.id);
    expect((await named('web-02-app')).state).toBe('paused');
    await t.runtime.unpause(app.id);
    expect((await named('web-02-app')).state).toBe('running');
    // Unpausing what runs changes nothing, and is no error.
    await t.runtime.unpause(app.id);
    expect((await named('web-02-app')).state).toBe('running');
  });

  it('keeps one lease per lab, moved when set again, with its expiry and folder', async () => {
    await t.runtime.setLease(t.lab, { expiresAt: '2030-01-01T00:00:00.000Z', dir: t.dir });
    await t.runtime.setLease(t.lab, { expiresAt: '2031-01-01T00:00:00.000Z', dir: t.dir });
    const leases = (await t.runtime.containers(t.lab)).filter((c) => c.component === 'lease');
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ expiresAt: '2031-01-01T00:00:00.000Z', workingDir: t.dir, state: 'created' });
  });

  it('removes the containers and network but keeps the volumes unless asked, then removes those too', async () => {
    const count = (await t.runtime.containers(t.lab)).length;
    // With the folder the containers were started from, read from their labels (down clears its fault record there).
    expect(await t.runtime.removeLab(t.lab, { volumes: false })).toEqual({
      removed: { containers: count, networks: 1, volumes: 0 },
      folder: t.dir,
    });
    expect(await t.runtime.containers(t.lab)).toEqual([]);
    expect(await t.runtime.volumes(t.lab)).toHaveLength(2);
    expect(await t.runtime.labNames()).toContain(t.lab);
    expect(await t.runtime.removeLab(t.lab, { volumes: true })).toEqual({
      removed: { containers: 0, networks: 0, volumes: 2 },
      folder: undefined,
    });
    expect(await t.runtime.labNames()).not.toContain(t.lab);
  });
}

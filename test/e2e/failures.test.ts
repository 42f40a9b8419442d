// How `up` fails: a broken Nginx config names web-01 and shows its log tail, exits 1, and leaves no container,
// network or volume behind. And with no engine reachable, one clear sentence and exit 3.
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, infra, byLabel, docker } from '../helpers/e2e.js';

const cwd = tempDir();
const lab = uniqueLabName('fail');

describeWithDocker('failures', () => {
  beforeAll(() => requireEngine());
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it('a broken nginx.conf on web-01 fails `up` naming web-01, with its log, and leaves nothing behind', async () => {
    const dir = path.join(cwd, 'infra-labs', lab);
    expect((await infra(['render', '--name', lab, '--port', 'auto'], { cwd })).exitCode).toBe(0);
    appendFileSync(path.join(dir, 'web-01', 'nginx.conf'), '\nthis_is_not_a_directive on;\n');

    const run = await infra(['up', '--name', lab, '--port', 'auto', '--timeout', '60'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('kept your edits to web-01/nginx.conf');
    expect(run.stderr).toMatch(/✗ start/);
    expect(run.stderr).toMatch(/error: web-01: nginx \(infra-e2e-fail-\S+-web-01-nginx\) is exited/);
    expect(run.stderr).toContain('unknown directive "this_is_not_a_directive"');
    expect(run.stderr).toContain('removed the failed lab');
    expect(await byLabel('container', `dev.infra.lab=${lab}`)).toEqual([]);
    expect(await byLabel('network', `dev.infra.lab=${lab}`)).toEqual([]);
    expect(await byLabel('volume', `dev.infra.lab=${lab}`)).toEqual([]);
  });

  it('a taken LB port fails up before anything starts, and says how to pick another', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const run = await infra(['up', '--name', lab, '--port', String(port)], { cwd });
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toContain(`127.0.0.1:${port} is already in use by another program; nothing was started`);
      expect(run.stderr).toContain('--port auto');
      expect(await byLabel('container', `dev.infra.lab=${lab}`)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('doctor passes on this machine, and names the LB port when it is taken', async () => {
    const ok = await infra(['doctor', '--port', 'auto'], { cwd });
    expect(ok.stdout).toMatch(/^✓ docker engine/m);
    expect(ok.stdout).toMatch(/^✓ compose v2 +2\./m);
    expect(ok.stdout).toMatch(/^✓ base image +debian:trixie-slim present/m);
    expect(ok.exitCode).toBe(0);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const taken = await infra(['doctor', '--port', String(port)], { cwd });
      expect(taken.stdout).toContain(`✗ lb port        127.0.0.1:${port} in use`);
      expect(taken.stdout).toContain('fix: choose another with `--port <n>` or `--port auto`');
      expect(taken.exitCode).toBe(1);
    } finally {
      server.close();
    }
    const noEngine = await infra(['doctor'], { cwd, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(noEngine.stdout).toMatch(/^✗ docker engine .*\n {2}fix: start Docker/m);
    expect(noEngine.exitCode).toBe(3);
  });

  it('with no engine reachable, says how to start it and exits 3', async () => {
    const run = await infra(['status', '--name', lab], {
      cwd,
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker.sock .* start it/);
  });
});

describeWithDocker('--verbose', () => {
  it('shows the docker commands infra runs', async () => {
    const run = await infra(['-v', 'doctor', '--port', 'auto'], { cwd: tempDir() });
    expect(run.stderr).toContain('$ docker compose version --short');
  });
});

describeWithDocker('image builds', () => {
  it('a failing build step is reported with its output', async () => {
    const { dockerRuntime } = await import('../../src/runtime/docker-runtime.js');
    const dir = tempDir();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'images', 'nginx'), { recursive: true });
    writeFileSync(
      path.join(dir, 'images', 'nginx', 'Dockerfile'),
      'FROM debian:trixie-slim\nRUN echo about to fail && false\n',
    );
    const exitedBefore = await docker(['ps', '-aq', '--filter', 'status=exited']);
    const error = await dockerRuntime()
      .buildImage(dir, {
        kind: 'nginx',
        tag: 'infra-nginx:e2e-broken',
        contextDir: 'images/nginx',
        files: [],
      })
      .then(
        () => undefined,
        (e: unknown) => e as { message: string; detail: string },
      );
    expect(error?.message).toBe('building the nginx image failed');
    expect(error?.detail).toContain('about to fail');
    expect(error?.detail).toMatch(/returned a non-zero code: 1/);
    // The failed step's container does not stay behind.
    expect(await docker(['ps', '-aq', '--filter', 'status=exited'])).toBe(exitedBefore);
  });
});

// The sentences infra says when the engine or Compose do not answer: each names the real cause and its fix.
import { composeProblem, engineProblem } from './docker-runtime.js';

it('permission denied on the socket is told apart from an engine that is down, with both fixes', () => {
  // What a user outside the docker group gets (seen with `runuser -u nobody` on the dev machine).
  const denied = Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' });
  const message = engineProblem(denied, undefined);
  expect(message).toMatch(/^permission denied on the Docker engine's socket \/var\/run\/docker.sock: the engine runs/);
  expect(message).toContain('sudo usermod -aG docker $USER');
  expect(message).toContain('DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock');
  expect(message).not.toContain('systemctl start');
  const down = Object.assign(new Error('connect ENOENT /nonexistent'), { code: 'ENOENT' });
  expect(engineProblem(down, 'unix:///nonexistent')).toMatch(
    /^cannot reach the Docker engine at unix:\/\/\/nonexistent .* start it/,
  );
});

it('Compose is called missing only when it is missing; another failure is quoted', () => {
  expect(composeProblem("docker: 'compose' is not a docker command.\nSee 'docker --help'")).toMatch(
    /^Docker Compose v2 is missing/,
  );
  expect(composeProblem('mkdir /nonexistent: permission denied\n')).toBe(
    '`docker compose version` failed: mkdir /nonexistent: permission denied (Compose may be installed; fix this first)',
  );
});

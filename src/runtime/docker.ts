// The Docker boundary (DESIGN.md habit 5): one dockerode client per command, created here and passed on in a context,
// plus the checks that turn "no engine" and "no Compose v2" into one clear sentence and exit code 3.
import Docker from 'dockerode';
import { execa } from 'execa';
import { EnvironmentError } from '../errors.js';

export interface Runtime {
  docker: Docker;
}

export async function connectRuntime(): Promise<Runtime> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
    throw new EnvironmentError(
      `cannot reach the Docker engine at ${where} (${(error as Error).message}); start it ` +
        '(`sudo systemctl start docker`, or open Docker Desktop) and try again',
    );
  }
  return { docker };
}

/** Compose v2's version, or an EnvironmentError saying how to get it. */
export async function composeVersion(): Promise<string> {
  const result = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      'Docker Compose v2 is missing (`docker compose version` failed); install the docker-compose-plugin package ' +
        '(or Docker Desktop) and try again',
    );
  }
  return String(result.stdout).trim().replace(/^v/, '');
}

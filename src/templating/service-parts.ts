// What one Compose service of a lab is made of, and the small value builders the kinds and flavours share. The
// compose view assembles these parts; the template only loops.

export interface KeyValue {
  key: string;
  value: string;
}

export interface Healthcheck {
  test: string[];
  /** How often Docker runs it: HEALTH_INTERVAL, or EXPORTER_HEALTH_INTERVAL. */
  interval: string;
  startPeriod: string;
}

/**
 * How often Docker checks a component. Each check is a process start on the host (runc exec), so an idle lab's CPU
 * was mostly these (every 10 s: 5% of a core for the built-in lab); until Docker's first check is due, infra runs the
 * same test itself (README: what the lab checks). A dead web server leaves the rotation by HAProxy's own checks.
 */
export const HEALTH_INTERVAL = '30s';
/** Failed checks in a row before Docker calls a component unhealthy: about a minute at HEALTH_INTERVAL. */
export const HEALTH_RETRIES = 2;
/** An exporter is scraped by Prometheus every few seconds already, which sees it fail first: Docker checks it rarely. */
export const EXPORTER_HEALTH_INTERVAL = '60s';

/** The parts of a component's service that its kind decides. */
export interface ServiceParts {
  /** Compose's `user:`, when the image's own user cannot do the job. */
  user?: string;
  command?: string[];
  environment: KeyValue[];
  volumes: string[];
  healthcheck?: Healthcheck;
  /** Linux capabilities beyond Docker's default set, given to this component alone. */
  capAdd?: string[];
}

/** A value Compose reads from the lab's .env, failing with the fix when it is missing. */
export const secret = (name: string) => `\${${name}:?the lab's .env is missing; run infra render}`;

/** An HTTP probe in bash (every image here has bash; none is guaranteed curl). */
export function httpProbe(path: string, port: number): string[] {
  return [
    'CMD',
    'bash',
    '-c',
    `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '`,
  ];
}

/**
 * A TCP ping that logs in: an anonymous ping also answers, but makes the server log "Access denied" every second.
 * The password goes in MYSQL_PWD, the client's environment, never on its command line (`ps` would show it).
 * `$$` keeps Compose from interpolating the variable; the container's shell expands it.
 */
export function adminPing(tool: string, user: string, passwordVariable: string): string[] {
  return ['CMD-SHELL', `MYSQL_PWD="$$${passwordVariable}" ${tool} ping -h127.0.0.1 --protocol=tcp -u${user} --silent`];
}

/**
 * An HTTP probe for a monitoring component: bash in the images built here; busybox's wget in the official prom/*
 * images (they have no bash).
 */
export function monitorProbe(debianImage: boolean, path: string, port: number): string[] {
  return debianImage
    ? httpProbe(path, port)
    : ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}${path}`];
}

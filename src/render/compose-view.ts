// The view model of compose.yaml: one entry per service, every value decided here so the template only loops.
import type { Component, ComponentKind, Lab, Server } from '../topology/types.js';
import { LABEL } from '../topology/labels.js';
import { HOST_IMAGE } from './images.js';

interface KeyValue {
  key: string;
  value: string;
}

export interface ServiceView {
  name: string;
  image: string;
  containerName: string;
  hostname?: string;
  networkMode?: string;
  host?: string;
  command?: string[];
  ports: string[];
  environment: KeyValue[];
  volumes: string[];
  healthcheck?: { test: string[]; startPeriod: string };
  labels: KeyValue[];
}

export interface ComposeView {
  lab: string;
  project: string;
  services: ServiceView[];
  dataVolumes: { name: string; labels: KeyValue[] }[];
}

/** Where each component finds its rendered config inside its container. */
export const CONFIG_MOUNT = {
  haproxy: '/etc/infra/haproxy.cfg',
  nginx: '/etc/infra/nginx.conf',
  appDir: '/srv/app',
  staticDir: '/srv/www',
} as const;

const secret = (name: string) => `\${${name}:?the lab's .env is missing; run infra render}`;

/** An HTTP probe in bash (every image here has bash; none is guaranteed curl). */
function httpProbe(path: string, port: number): string[] {
  return [
    'CMD',
    'bash',
    '-c',
    `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '`,
  ];
}

/** Hash of what a component reads from the lab folder at start; a change makes Compose recreate it. */
export type ConfigHash = (server: string, kind: ComponentKind) => string;

export function composeView(
  lab: Lab,
  images: Record<ComponentKind, string>,
  hostPort: number,
  configHash: ConfigHash,
): ComposeView {
  const services: ServiceView[] = [];
  const dataVolumes: ComposeView['dataVolumes'] = [];
  for (const server of lab.servers) {
    services.push(hostService(lab, server, hostPort));
    for (const component of server.components) {
      const service = componentService(lab, server, component, images[component.kind]);
      service.labels.push({ key: LABEL.config, value: configHash(server.name, component.kind) });
      services.push(service);
      if (component.kind === 'db') {
        dataVolumes.push({ name: dataVolumeName(component), labels: labelsFor(lab, server, 'db') });
      }
    }
  }
  return { lab: lab.name, project: lab.project, services, dataVolumes };
}

export function dataVolumeName(component: Component): string {
  return `${component.name}-data`;
}

function hostService(lab: Lab, server: Server, hostPort: number): ServiceView {
  return {
    name: server.name,
    image: HOST_IMAGE,
    containerName: `${lab.project}-${server.name}`,
    hostname: server.name,
    command: ['sleep', 'infinity'],
    ports: server.role === 'lb' ? [`127.0.0.1:${hostPort}:80`] : [],
    environment: [],
    volumes: [],
    labels: labelsFor(lab, server, 'host'),
  };
}

function componentService(lab: Lab, server: Server, component: Component, image: string): ServiceView {
  const base = {
    name: component.name,
    image,
    containerName: `${lab.project}-${component.name}`,
    networkMode: `service:${server.name}`,
    host: server.name,
    ports: [],
    labels: labelsFor(lab, server, component.kind),
  };
  switch (component.kind) {
    case 'haproxy':
      return {
        ...base,
        command: ['haproxy', '-W', '-db', '-f', CONFIG_MOUNT.haproxy],
        environment: [],
        volumes: [`./${server.name}/haproxy.cfg:${CONFIG_MOUNT.haproxy}:ro`],
        healthcheck: { test: ['CMD', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/80'], startPeriod: '20s' },
      };
    case 'nginx':
      return {
        ...base,
        command: ['nginx', '-c', CONFIG_MOUNT.nginx, '-g', 'daemon off;'],
        environment: [],
        volumes: [`./${server.name}/nginx.conf:${CONFIG_MOUNT.nginx}:ro`, `./app/public:${CONFIG_MOUNT.staticDir}:ro`],
        healthcheck: { test: httpProbe('/health', 80), startPeriod: '20s' },
      };
    case 'app':
      return {
        ...base,
        command: ['node', `${CONFIG_MOUNT.appDir}/server.js`],
        environment: [
          { key: 'INFRA_SERVER', value: server.name },
          { key: 'INFRA_DB_ROLE', value: server.database?.role ?? 'none' },
          { key: 'INFRA_DB_PRIMARY_HOST', value: primaryName(lab) },
          { key: 'INFRA_DB_USER', value: APP_DB.user },
          { key: 'INFRA_DB_NAME', value: APP_DB.database },
          { key: 'INFRA_DB_PASSWORD', value: secret('INFRA_APP_PASSWORD') },
        ],
        volumes: [`./app:${CONFIG_MOUNT.appDir}:ro`],
        // Liveness only: /api/health also needs the app's database user, which the replication step creates after boot.
        healthcheck: { test: httpProbe('/api/live', 5000), startPeriod: '20s' },
      };
    case 'db':
      return { ...base, ...databaseService(lab, server, component) };
  }
}

/** The application's database and user, created on the primary by the replication step. */
export const APP_DB = { database: 'footer', user: 'app' } as const;

function databaseService(
  lab: Lab,
  server: Server,
  component: Component,
): Partial<ServiceView> & { environment: KeyValue[]; volumes: string[] } {
  const data = `${dataVolumeName(component)}:/var/lib/mysql`;
  if (lab.flavour === 'mysql') {
    return {
      environment: [{ key: 'MYSQL_ROOT_PASSWORD', value: secret('INFRA_ROOT_PASSWORD') }],
      volumes: [`./${server.name}/my.cnf:/etc/mysql/conf.d/99-infra.cnf:ro`, data],
      // TCP, not the socket: the image's init server runs without networking and must not count as healthy.
      healthcheck: {
        test: adminPing('mysqladmin', 'MYSQL_ROOT_PASSWORD'),
        startPeriod: '120s',
      },
    };
  }
  const debian = lab.imageSet === 'debian';
  return {
    environment: [{ key: 'MARIADB_ROOT_PASSWORD', value: secret('INFRA_ROOT_PASSWORD') }],
    // Debian reads mariadb.conf.d/ after conf.d/, and its 50-server.cnf would otherwise bind 127.0.0.1.
    volumes: [`./${server.name}/my.cnf:/etc/mysql/${debian ? 'mariadb.conf.d' : 'conf.d'}/99-infra.cnf:ro`, data],
    healthcheck: {
      test: debian
        ? adminPing('mariadb-admin', 'MARIADB_ROOT_PASSWORD')
        : ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
      startPeriod: '120s',
    },
  };
}

/**
 * A TCP ping that logs in: an anonymous ping also answers, but makes the server log "Access denied" every second.
 * `$$` keeps Compose from interpolating the variable; the container's shell expands it.
 */
function adminPing(tool: string, passwordVariable: string): string[] {
  return ['CMD-SHELL', `${tool} ping -h127.0.0.1 --protocol=tcp -uroot -p"$$${passwordVariable}" --silent`];
}

function primaryName(lab: Lab): string {
  return lab.servers.find((s) => s.database?.role === 'primary')?.name ?? '';
}

function labelsFor(lab: Lab, server: Server, component: ComponentKind | 'host'): KeyValue[] {
  const labels: KeyValue[] = [
    { key: LABEL.lab, value: lab.name },
    { key: LABEL.server, value: server.name },
    { key: LABEL.component, value: component },
  ];
  if (component === 'db' && server.database) labels.push({ key: LABEL.dbRole, value: server.database.role });
  return labels;
}

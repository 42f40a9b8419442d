// Facts of the lab that render, replication, the checks and explain all rely on: one definition each, in the model,
// so no layer takes a constant from another.

/** The application's database and user, created on the primary by the replication step. */
export const APP_DB = { database: 'footer', user: 'app' } as const;

/** HAProxy's stats page, on the LB's published port. */
export const STATS_PATH = '/haproxy/stats';

/** Where each component listens inside its server's network namespace. */
export const PORTS = {
  http: 80,
  /** `secured`: the LB's HTTPS. */
  https: 443,
  app: 5000,
  database: 3306,
  haproxyApi: 9999,
  /** `monitored`: the exporters, HAProxy's built-in one, Nginx's stub_status (loopback) and Prometheus. */
  nodeExporter: 9100,
  nginxExporter: 9113,
  mysqldExporter: 9104,
  haproxyMetrics: 8405,
  nginxStatus: 8081,
  prometheus: 9090,
} as const;

/** `monitored`: the live lab page, a Prometheus console on the monitoring server. */
export const LAB_PAGE_PATH = '/consoles/lab.html';

/** `monitored`: the monitoring server the profile adds to the lab. */
export const MONITORING_SERVER = 'mon-01';

/** `monitored`: the database user mysqld-exporter logs in as, from its own server only. */
export const EXPORTER_DB_USER = 'exporter';

/** `redundant`: the server standing for the Internet's route to the LB pair's floating address. */
export const EDGE_SERVER = 'edge';

/** The built-in lab: what a definition leaves out. */
export const DEFAULT_LAB = {
  name: 'lab',
  domain: 'www.footer.com',
  balance: 'roundrobin',
  mode: 'active-active',
  flavour: 'mariadb',
  imageSet: 'debian',
  port: 8080,
  /** The `secured` profile's HTTPS port on 127.0.0.1. */
  httpsPort: 8443,
  /** The `monitored` profile's Prometheus (and lab page) port on 127.0.0.1. */
  monitorPort: 9090,
  // Every 2 s while UP (every 500 ms once a check fails, and while DOWN: see FAST_CHECK_INTERVAL_MS).
  healthCheck: { intervalMs: 2000, fall: 2, rise: 2 },
  servers: [
    { name: 'lb-01', role: 'lb' },
    { name: 'web-01', role: 'web' },
    { name: 'web-02', role: 'web' },
  ],
} as const;

// Facts of the lab that render, replication, the checks and explain all rely on: one definition each, in the model,
// so no layer takes a constant from another.

/** The application's database and user, created on the primary by the replication step. */
export const APP_DB = { database: 'footer', user: 'app' } as const;

/** HAProxy's stats page, on the LB's published port. */
export const STATS_PATH = '/haproxy/stats';

/** Where each component listens inside its server's network namespace. */
export const PORTS = { http: 80, app: 5000, database: 3306, haproxyApi: 9999 } as const;

// `monitored`: the lab's alert rules as data, rendered into mon-01/alerts.yml and told by `infra explain monitoring`.
// `{{ $labels.server }}` is Prometheus's own template syntax, filled in when an alert fires. The rules follow the lab:
// every lab watches its load balancers; `redundant` adds the floating address (held by none, or by both).
import { loadBalancers, type Lab } from '../../topology/types.js';

/** Replication lag that raises an alert (seconds behind the primary, for 30 s). */
export const LAG_THRESHOLD_S = 10;

/**
 * A column of SHOW REPLICA STATUS as mysqld_exporter names it: `mysql_slave_status_<column>`, and the column is
 * MariaDB's and MySQL 8.0's `Slave_IO_Running`, MySQL 8.4's `Replica_IO_Running` (SHOW SLAVE STATUS is gone there).
 */
export function replicaStatusSeries(mariadbColumn: string, mysqlColumn: string): string {
  return `{__name__=~"mysql_slave_status_(${mariadbColumn}|${mysqlColumn})"}`;
}

const IO_RUNNING = replicaStatusSeries('slave_io_running', 'replica_io_running');
const SQL_RUNNING = replicaStatusSeries('slave_sql_running', 'replica_sql_running');

export interface AlertRule {
  name: string;
  /** Why the condition means what the alert says (the comment above it in alerts.yml). */
  condition: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
  why: string;
}

const SERVER_RULES: readonly AlertRule[] = [
  {
    name: 'WebServerDown',
    condition: 'the whole server is off the network: its node exporter stopped answering',
    expr: 'up{job="node", role="web"} == 0',
    for: '10s',
    severity: 'critical',
    summary: 'web server {{ $labels.server }} is down',
    why: 'every component of the server is unreachable; the load balancer routes around it',
  },
  {
    name: 'BackendDown',
    condition: 'the load balancer took a web server out of rotation (its health check fails), whatever the reason',
    expr: 'haproxy_server_status{proxy="web", state="DOWN"} == 1',
    for: '10s',
    severity: 'critical',
    summary: 'HAProxy marks {{ $labels.server }} DOWN',
    why: "it fails HAProxy's health check: no traffic goes there",
  },
  {
    name: 'DatabaseDown',
    condition: 'the database does not answer the exporter beside it',
    expr: 'mysql_up == 0',
    for: '10s',
    severity: 'critical',
    summary: 'the database on {{ $labels.server }} does not answer',
    why: 'reads there fail; on the primary, every write fails',
  },
  {
    name: 'ReplicaStopped',
    condition: "a replica's IO thread (fetching the primary's changes) or SQL thread (applying them) stopped",
    // In parentheses: a YAML value that begins with `{` would be read as a mapping.
    expr: `(${IO_RUNNING} == 0) or (${SQL_RUNNING} == 0)`,
    for: '10s',
    severity: 'critical',
    summary: 'replication stopped on {{ $labels.server }}',
    why: 'the replica serves older and older data; `infra status` names the error and the fix',
  },
  {
    name: 'ReplicationLag',
    condition: `a replica more than ${LAG_THRESHOLD_S} s behind its primary`,
    expr: `lab:replication_lag:seconds > ${LAG_THRESHOLD_S}`,
    for: '30s',
    severity: 'warning',
    summary: '{{ $labels.server }} is {{ $value }} s behind the primary',
    why: `readers of that replica see data older than ${LAG_THRESHOLD_S} s`,
  },
  {
    name: 'PrimaryNotWritable',
    // Read from the databases, not from a role label in prometheus.yml: that one would lag a promote by a reload and
    // Prometheus's target update (5 to 20 s), long enough to blame the old primary, a replica now.
    condition:
      'a database that replicates from no server should be the primary, which must take writes: read-only there means every write of the app fails',
    expr: `mysql_global_variables_read_only == 1 unless on (server) ${IO_RUNNING}`,
    for: '10s',
    severity: 'critical',
    summary: 'the database on {{ $labels.server }} replicates from no server, yet is read-only',
    why: 'if it is the primary, every write of the application fails; if not, it is an old primary that did not rejoin: `infra status` says which',
  },
  {
    name: 'MemoryPressure',
    condition: 'less than a tenth of the memory is available',
    expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.10',
    for: '1m',
    severity: 'warning',
    summary: '{{ $labels.server }} has less than 10 % of its memory available',
    why: 'the kernel will soon kill processes to free memory',
  },
  {
    name: 'DiskPressure',
    condition: 'less than a tenth of the root filesystem is free',
    expr: 'node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"} < 0.10',
    for: '1m',
    severity: 'warning',
    summary: '{{ $labels.server }} has less than 10 % of its disk free',
    why: "a full disk stops the databases' binary logs, and with them replication",
  },
];

/** Every load balancer's HAProxy is scraped (job haproxy): a target that stops answering is an LB down. */
function loadBalancerRules(lab: Lab): AlertRule[] {
  const pair = loadBalancers(lab).length > 1;
  return [
    {
      name: 'LoadBalancerDown',
      condition: "a load balancer's HAProxy stopped answering Prometheus (HAProxy or its whole server stopped)",
      expr: 'up{job="haproxy"} == 0',
      for: '10s',
      severity: 'critical',
      summary: 'load balancer {{ $labels.server }} does not answer',
      why: pair
        ? 'its partner holds the floating address and serves alone: the pair has no spare until it is back'
        : 'it is the one way in: visitors reach nothing',
    },
  ];
}

/**
 * `redundant`: the floating address as the LBs' node exporters list it (their netdev collector's address info).
 * `address`: the lab's floating address; explain, which prints no expressions, may leave it out.
 */
function floatingAddressRules(address = '<floating address>'): AlertRule[] {
  const held = `node_network_address_info{role="lb", address="${address}"}`;
  return [
    {
      name: 'FloatingAddressUnheld',
      condition: 'no load balancer lists the floating address',
      expr: `absent(${held})`,
      for: '10s',
      severity: 'critical',
      summary: `no load balancer holds ${address}`,
      why: 'the address visitors use answers nothing: the site is down although a load balancer may run',
    },
    {
      name: 'SplitBrain',
      condition: 'both load balancers list the floating address (a split brain)',
      expr: `count by (address) (${held}) > 1`,
      for: '10s',
      severity: 'critical',
      summary: `both load balancers hold ${address}`,
      why: "they do not hear each other's VRRP adverts, so each thinks it is alone: visitors reach whichever answered ARP last, and the pair will not fail over cleanly",
    },
  ];
}

/** The lab's alert rules; `floatingAddress` fills the `redundant` rules' expressions. */
export function alertRules(lab: Lab, floatingAddress?: string): AlertRule[] {
  return [
    ...SERVER_RULES,
    ...loadBalancerRules(lab),
    ...(lab.capabilities.lbPair ? floatingAddressRules(floatingAddress) : []),
  ];
}

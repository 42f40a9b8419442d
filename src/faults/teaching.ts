// `infra explain faults`: for each fault `infra fault` makes, what it models in the real world and what in this lab
// should notice it (the profiles add watchers: alerts, the LB pair's own check).
import { loadBalancers, webServers, type Lab } from '../topology/types.js';
import type { FaultKind } from './fault.js';

export interface FaultLesson {
  kind: FaultKind;
  /** How to make it on this lab. */
  example: string;
  /** What it stands for outside the lab. */
  models: string;
  /** What in this lab shows it (commands, checks, alerts). */
  noticed_by: string[];
}

export function faultLessons(lab: Lab): FaultLesson[] {
  const [web1, web2] = webServers(lab).map((s) => s.name);
  const replica = lab.servers.find((s) => s.database?.role === 'replica')?.name ?? web2;
  const pair = loadBalancers(lab).length > 1;
  const alerts = lab.capabilities.monitoring;
  const alert = (name: string) => (alerts ? [`the ${name} alert (Prometheus, on the live lab page)`] : []);
  return [
    {
      kind: 'partition',
      example: pair ? 'infra fault partition lb-01 lb-02' : `infra fault partition ${web1} ${web2}`,
      models:
        'a broken link or a wrong firewall rule between two machines that both keep running: each believes the ' +
        'other is gone',
      noticed_by: pair
        ? [
            '`infra status`: both load balancers hold the floating address (a split brain), exit 1',
            'the lb-pair smoke check',
            ...alert('SplitBrain'),
          ]
        : [
            "`infra status`: the replica's IO thread stops reaching the primary, its lag grows",
            'the replication smoke check',
          ],
    },
    {
      kind: 'loss',
      example: `infra fault loss ${web2} 30%`,
      models: 'a failing cable, port or radio link, or a congested one: some packets never arrive',
      noticed_by: [
        "HAProxy's health checks fail now and then: `infra status` shows the server flapping DOWN and UP",
        'TCP resends what was lost: the site keeps answering, slower; the smoke checks still pass or name the server',
        ...alert('BackendDown'),
      ],
    },
    {
      kind: 'rate',
      example: `infra fault rate ${web2} 256kbit`,
      models: 'a slow or saturated uplink: small requests barely change, large responses take seconds',
      noticed_by: [
        `timing a large response pinned to the server: curl -H 'X-Infra-Server: ${web2}' -w '%{time_total}' …`,
        "nothing else: HAProxy's small checks still pass, which is the lesson",
      ],
    },
    {
      kind: 'delay',
      example: `infra fault delay ${web2} 200ms --jitter 50ms`,
      models: 'a long-distance or overloaded link (needs the kernel’s netem)',
      noticed_by: ["response times (curl -w '%{time_total}')", 'replication lag when the replica is the one delayed'],
    },
    {
      kind: 'corrupt',
      example: `infra fault corrupt ${web2} 1%`,
      models: 'a faulty network card or cable flipping bits (needs the kernel’s netem)',
      noticed_by: ['TCP checksums drop the damaged packets: retransmissions, as with loss'],
    },
    {
      kind: 'hang',
      example: `infra fault hang ${web1}/app`,
      models:
        'a process that stops answering without dying: a deadlock, a full disk, a stop-the-world pause; worse ' +
        'than a crash, since nothing restarts it',
      noticed_by: [
        "HAProxy's check reaches the application server (GET /api/live through Nginx): the server goes DOWN and " +
          'visitors are sent elsewhere (a check on Nginx alone would keep sending them to a frozen app)',
        '`infra status`: the component is paused',
        ...alert('BackendDown'),
      ],
    },
    {
      kind: 'lag',
      example: `infra fault lag ${replica} 30s`,
      models:
        'a replica that falls behind (an overloaded or distant one), or one kept behind on purpose to undo a ' +
        'mistake within the delay',
      noticed_by: [
        "`infra status`: the replica's lag in seconds",
        `stale reads: the app on ${replica} reads its own database, which shows a change only after the delay`,
        ...alert('ReplicationLag'),
      ],
    },
  ];
}

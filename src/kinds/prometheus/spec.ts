// `monitored`: Prometheus on the monitoring server mon-01, scraping every exporter of the lab by server name, with
// the alert rules a student can read (mon-01/alerts.yml) and the live lab page (mon-01/consoles/lab.html).
import { livePageView } from '../live-page.js';
import { file } from '../../templating/rendered-file.js';
import { MONITORING_SERVER, PORTS } from '../../topology/lab-constants.js';
import { type Lab } from '../../topology/types.js';
import { builtInDebianSet, DAEMON_ROLE, kindTemplates, type KindSpec } from '../kind.js';
import { PACKAGED_DAEMON_PROGRAMS } from '../exporter.js';
import { HEALTH_INTERVAL, monitorProbe } from '../../templating/service-parts.js';
import { scrapeJobs } from './scrape-jobs.js';
import { alertRules, replicaStatusSeries } from './alert-rules.js';
import { floatingAddress, requireSubnet, type LabSite } from '../../topology/addressing.js';

/** Its templates, in its folder: src/kinds/prometheus/. */
const render = kindTemplates('prometheus');

const CONFIG_DIR = '/etc/infra/prometheus';
/** A failure shows within seconds, at a load a laptop does not notice. */
export const SCRAPE_INTERVAL_S = 5;
/** Two hours of history: enough for a lab session, a few MiB of memory. */
const RETENTION = '2h';

export const CONFIG_FILES = ['prometheus.yml', 'alerts.yml', 'consoles/lab.html'] as const;

/** The lab page's view: the model it draws, as JSON embedded in the page (no `{{` in it: Go templates read it). */
function labPageView(lab: Lab, site: LabSite) {
  // In Docker every server is containers on one machine: their CPU and memory are that machine's.
  return livePageView(lab, { floatingAddress: sharedAddress(lab, site), oneHost: !site.realServers });
}

/** `redundant`: the address the LB pair shares, as the LBs list it: the user's on real servers, else the lab's. */
function sharedAddress(lab: Lab, site: LabSite): string | undefined {
  if (!lab.capabilities.lbPair) return undefined;
  return site.realServers ? site.floatingAddress?.address : floatingAddress(requireSubnet(site));
}

export const prometheus: KindSpec<'prometheus'> = {
  kind: 'prometheus',
  runsOn: [],
  memoryMiB: 40,
  startRank: 6,
  listens: PORTS.prometheus,
  reach: 'network',
  upstreamImage: () => 'prom/prometheus:v2.53.3',
  builtHere: builtInDebianSet,
  buildExtras: () => [],
  files: (lab, server, site) => [
    file(
      `${server.name}/prometheus.yml`,
      render('prometheus.yml', {
        lab: lab.name,
        server: server.name,
        interval: SCRAPE_INTERVAL_S,
        retention: RETENTION,
        configDir: CONFIG_DIR,
        jobs: scrapeJobs(lab),
      }),
    ),
    file(
      `${server.name}/alerts.yml`,
      render('alerts.yml', {
        lab: lab.name,
        server: server.name,
        rules: alertRules(lab, sharedAddress(lab, site)),
        lagSeries: replicaStatusSeries('seconds_behind_master', 'seconds_behind_source'),
      }),
    ),
    file(`${server.name}/consoles/lab.html`, render('consoles/lab.html', labPageView(lab, site))),
  ],
  sharedFiles: () => [],
  configFiles: (_lab, server) => CONFIG_FILES.map((f) => `${server.name}/${f}`),
  service: (lab, server) => ({
    command: [
      `--config.file=${CONFIG_DIR}/prometheus.yml`,
      '--storage.tsdb.path=/prometheus',
      `--storage.tsdb.retention.time=${RETENTION}`,
      `--web.listen-address=:${PORTS.prometheus}`,
      `--web.console.templates=${CONFIG_DIR}/consoles`,
      `--web.console.libraries=${CONFIG_DIR}/consoles`,
    ],
    environment: [],
    volumes: [`./${server.name}:${CONFIG_DIR}:ro`],
    healthcheck: {
      test: monitorProbe(builtInDebianSet(lab), '/-/ready', PORTS.prometheus),
      interval: HEALTH_INTERVAL,
      startPeriod: '30s',
    },
  }),
  dataVolumes: () => [],
  why: (lab) =>
    `Prometheus scrapes every exporter of the lab every ${SCRAPE_INTERVAL_S} s and evaluates the alert rules (${MONITORING_SERVER}/alerts.yml in the lab folder); ${lab.name}'s live page is its console`,
  diagramLabel: () => `Prometheus :${PORTS.prometheus}`,
  onServer: {
    role: DAEMON_ROLE,
    package: 'prometheus',
    service: () => 'prometheus',
    programs: [PACKAGED_DAEMON_PROGRAMS],
  },
};

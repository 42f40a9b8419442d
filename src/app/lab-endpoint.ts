// How infra reaches a running lab through its published ports: plain HTTP, or (secured labs) HTTPS trusting the
// lab's own CA from its folder. Smoke, status and the boot wait all start here.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StepError } from '../errors.js';
import { LAB_FILES } from '../paths.js';
import type { ComponentState } from '../runtime/port.js';
import { LAB_PAGE_PATH } from '../topology/lab-constants.js';
import { request } from '../checks/check.js';
import { waitFor, type Clock } from '../wait/wait-for.js';

export interface LabEndpoint {
  /** The URL a visitor uses: HTTPS when the lab publishes it. */
  url: string;
  /** The plain-HTTP URL, when `url` is HTTPS (it answers with a redirect). */
  httpUrl?: string;
  /** The lab CA's certificate (PEM), when `url` is HTTPS. */
  ca?: string;
}

export function labUrl(port: number, ip = '127.0.0.1'): string {
  return `http://${ip}:${port}`;
}

export function labHttpsUrl(port: number, ip = '127.0.0.1'): string {
  return `https://${ip}:${port}`;
}

/** `lb`: the LB's host container, as listed. */
export async function labEndpoint(
  lb: Pick<ComponentState, 'publishedPort' | 'publishedTlsPort'>,
  dir: string,
): Promise<LabEndpoint> {
  if (!lb.publishedPort) throw new StepError('the load balancer publishes no port');
  const httpUrl = labUrl(lb.publishedPort.port, lb.publishedPort.ip);
  if (!lb.publishedTlsPort) return { url: httpUrl };
  return { url: labHttpsUrl(lb.publishedTlsPort.port, lb.publishedTlsPort.ip), httpUrl, ca: await readLabCa(dir) };
}

/** A secured lab's own CA certificate, the only one its HTTPS is checked against. */
export async function readLabCa(dir: string): Promise<string> {
  const caFile = path.join(dir, LAB_FILES.caCert);
  return readFile(caFile, 'utf8').catch(() => {
    throw new StepError(`the lab serves HTTPS but its CA certificate ${caFile} cannot be read; run \`infra render\``);
  });
}

/** `monitored`: where Prometheus answers, and the live lab page it serves (a console). */
export function monitoringUrls(port: number, ip = '127.0.0.1'): { prometheus_url: string; page_url: string } {
  const base = `http://${ip}:${port}`;
  return { prometheus_url: base, page_url: `${base}${LAB_PAGE_PATH}` };
}

/**
 * Until `server` answers a request pinned to it through the LB. A web server whose host restarted is UP in HAProxy
 * while HAProxy still holds idle connections to it from before: its namespace died without closing them (after a
 * burst, HAProxy keeps as many as it needed then). A visitor's request sent on one fails and is retried on another
 * server, so the next visitors never reach it. Pinned requests use those connections up, until it answers one.
 */
export async function untilServerAnswers(
  endpoint: LabEndpoint,
  server: string,
  deadline: number,
  clock: Clock,
): Promise<void> {
  await waitFor(
    async () => {
      const answer = await request(`${endpoint.url}/`, { pin: server, ca: endpoint.ca, timeoutMs: 5000 }).catch(
        (error: Error) => ({ servedBy: null, status: error.message }),
      );
      return answer.servedBy === server
        ? { done: true, value: undefined }
        : { done: false, seen: `answered by ${answer.servedBy ?? `HTTP ${answer.status}`}` };
    },
    {
      what: `${server} to answer a request through HAProxy`,
      timeoutMs: Math.max(0, deadline - clock.now()),
      intervalMs: 0,
      clock,
    },
  );
}

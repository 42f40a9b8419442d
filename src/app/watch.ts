// Use case `infra watch`: the lab's diagram, live, for any running lab (no profile needed). A small HTTP server on
// 127.0.0.1 serves the page and, every time the page asks, what runs now (src/app/live-state.ts); it prints the URL
// and runs until Ctrl-C. --open starts a browser where there is one.
import { renderTemplate } from '../templating/engine.js';
import { livePageView } from '../kinds/live-page.js';
import { readLabState } from '../render/write-lab.js';
import { floatingAddress } from '../topology/addressing.js';
import type { AppEnv } from './context.js';
import { openInBrowser } from '../runtime/browser.js';
import { liveStateReader } from './live-state.js';
import { monitoringUrls } from './lab-endpoint.js';
import { runningLab, type LabTarget } from './lab-target.js';
import { servePage } from './local-page.js';

export interface WatchOptions extends LabTarget {
  /** Port on 127.0.0.1; 0: any free one. */
  port: number;
  open: boolean;
  /** Told once the page is served, before it runs until aborted (Ctrl-C). */
  onServing(serving: { lab: string; url: string }): void;
}

export async function watchCommand(env: AppEnv, options: WatchOptions): Promise<void> {
  const { runtime, lab, dir } = await runningLab(env, options, ', then watch it');
  const state = await readLabState(dir);
  const containers = await runtime.containers(lab.name);
  const monitor = containers.find((c) => c.publishedMonitorPort)?.publishedMonitorPort;
  const page = renderTemplate('pages/watch.html', {
    ...livePageView(lab, {
      floatingAddress: lab.capabilities.lbPair && state?.subnet ? floatingAddress(state.subnet) : undefined,
      oneHost: true,
    }),
    monitoringPage: monitor ? monitoringUrls(monitor.port, monitor.ip).page_url : '',
  });
  const read = liveStateReader(runtime, env.openSession, lab, dir);

  await servePage(env, {
    port: options.port,
    html: page,
    api: { path: '/api/state', read },
    onServing: async (url) => {
      options.onServing({ lab: lab.name, url });
      if (options.open && !(await openInBrowser(url))) {
        env.progress(false).note(`no browser to open here (xdg-open); open ${url} yourself`);
      }
    },
  });
}

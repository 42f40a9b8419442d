// The live pages' model (the app's page, Prometheus's console, infra watch's page): the lab the diagram draws, with
// the assets every page inlines.
import { pageAssets } from '../templating/page-assets.js';
import type { Lab } from '../topology/types.js';

/**
 * What a live page of the lab renders from: its headline, and the model its diagram draws (servers, roles,
 * components, the database each starts with), as JSON embedded in the page; with the assets above.
 */
export function livePageView(lab: Lab, where: { floatingAddress: string | undefined; oneHost: boolean }) {
  const model = {
    lab: lab.name,
    floatingAddress: where.floatingAddress ?? null,
    oneHost: where.oneHost,
    servers: lab.servers.map((s) => ({
      name: s.name,
      role: s.role,
      db: s.database?.role,
      components: s.components.map((c) => c.name),
    })),
  };
  return {
    lab: lab.name,
    domain: lab.domain,
    balance: lab.balance,
    mode: lab.mode,
    model: JSON.stringify(model),
    ...pageAssets(),
  };
}

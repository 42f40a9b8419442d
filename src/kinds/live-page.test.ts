import vm from 'node:vm';
import { KINDS } from './index.js';
import { buildLab } from '../definition/build-lab.js';
import { renderTemplate } from '../templating/engine.js';
import { livePageView } from './live-page.js';

const scriptsOf = (page: string) => [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);

it("infra watch's page and the app's page carry the diagram, and every script of them compiles", () => {
  const lab = buildLab({ profiles: ['redundant'] });
  const watch = renderTemplate('pages/watch.html', {
    ...livePageView(lab, { floatingAddress: '172.16.7.5', oneHost: true }),
    monitoringPage: '',
  });
  const app = KINDS.app.sharedFiles(lab).find((f) => f.path === 'app/public/index.html')!.content;
  for (const page of [watch, app]) {
    expect(page).toContain('function createDiagram(svg, LAB, addressLine)');
    expect(page).toContain('"servers":[{"name":"lb-01","role":"lb"');
    const scripts = scriptsOf(page);
    expect(scripts.length).toBe(2);
    for (const script of scripts) expect(() => new vm.Script(script)).not.toThrow();
  }
  // The app's page marks the server Nginx names as it serves the page.
  expect(app).toContain(`const served = '<!--# echo var="hostname" -->';`);
});

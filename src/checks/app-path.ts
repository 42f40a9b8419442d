// Check app-path: through the LB, every web server HAProxy has UP reaches its own application server, and each app
// reaches its own database (the primary on web-01, a replica elsewhere). Servers HAProxy has not UP are reported but
// left to lb-distribution and failover.
import { webServers } from '../topology/types.js';
import { CheckFailure, json, request, type Check, type PortableCheckContext } from './check.js';

interface Whoami {
  server: string;
  database: { role: string; read_only: boolean; gtid_position: string };
}

export const appPath: Check<PortableCheckContext> = {
  name: 'app-path',
  guards: 'each web server reaches its app through the LB, and each app its local database',
  async run({ lab, url, ca, backendStates }) {
    const states = await backendStates();
    const up = webServers(lab).filter((s) => states[s.name] === 'UP');
    if (up.length === 0) throw new CheckFailure(`no web server is UP in HAProxy (${JSON.stringify(states)})`);
    const seen: string[] = [];
    for (const server of up) {
      const answer = await request(`${url}/api/whoami`, { pin: server.name, ca });
      if (answer.status !== 200) {
        throw new CheckFailure(
          `${server.name}: /api/whoami answered ${answer.status}: ${answer.body.trim().slice(0, 160)}`,
        );
      }
      const who = json<Whoami>(answer);
      if (answer.servedBy !== server.name || who.server !== server.name) {
        throw new CheckFailure(`asked for ${server.name}, answered by ${answer.servedBy} (app of ${who.server})`);
      }
      const role = server.database?.role;
      if (who.database.role !== role)
        throw new CheckFailure(`${server.name}: the app's database is ${who.database.role}, expected ${role}`);
      seen.push(`${server.name} → app → ${role} db at ${who.database.gtid_position || '(empty)'}`);
    }
    const skipped = webServers(lab)
      .filter((s) => !up.includes(s))
      .map((s) => `${s.name} (${states[s.name] ?? 'absent'})`);
    return seen.join('; ') + (skipped.length ? `; not UP in HAProxy, not checked: ${skipped.join(', ')}` : '');
  },
};

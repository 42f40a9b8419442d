// The `secured` profile: HTTPS at the load balancers with the lab's own CA, and a firewall on every server from one
// policy (firewall-policy.ts), which names servers by address: at most MAX_ADDRESSED_SERVERS of them.
import { MAX_ADDRESSED_SERVERS } from '../../topology/addressing.js';
import { DEFAULT_LAB } from '../../topology/lab-constants.js';
import type { ProfileModule } from '../profile.js';

export const securedProfile: ProfileModule = {
  name: 'secured',
  validate({ serverNames, port, httpsPort }) {
    const problems: string[] = [];
    if (serverNames.length > MAX_ADDRESSED_SERVERS) {
      problems.push(
        `servers: the secured profile gives each server a fixed address, at most ${MAX_ADDRESSED_SERVERS} servers (found ${serverNames.length})`,
      );
    }
    if (typeof port === 'number' && port === httpsPort) {
      problems.push(
        `httpsPort: ${port} is also the LB's HTTP port; give HTTPS another port (default ${DEFAULT_LAB.httpsPort})`,
      );
    }
    return problems;
  },
  apply: (lab) => ({ ...lab, capabilities: { ...lab.capabilities, tls: true, firewalls: true } }),
};

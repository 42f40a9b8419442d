// Loads each server's rendered firewall into its running host container (secured labs). The host loads it when it
// starts; `up` loads it again, so a re-rendered policy (a server added, an edit) or a rule removed by hand is
// back to the file's without recreating the host, which would cut its components off its network namespace.
import { StepError } from '../errors.js';
import { FIREWALL_FILE, SERVER_FOLDER_MOUNT } from '../kinds/host.js';
import type { ContainerRuntime } from '../runtime/port.js';
import { containerName, type Lab } from '../topology/types.js';

export async function applyFirewalls(runtime: ContainerRuntime, lab: Lab, servers: string[]): Promise<void> {
  await Promise.all(
    lab.servers
      .filter((s) => servers.includes(s.name))
      .map(async (server) => {
        const result = await runtime.exec(containerName(lab, server.name), [
          'nft',
          '-f',
          `${SERVER_FOLDER_MOUNT}/${FIREWALL_FILE}`,
        ]);
        if (result.exitCode !== 0) {
          throw new StepError(
            `${server.name}'s firewall did not load: ${result.stderr.trim()} (${server.name}/${FIREWALL_FILE} in the lab folder)`,
          );
        }
      }),
  );
}

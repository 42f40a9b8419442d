// Check lb-serves: the load balancer answers 200 on / through its published port.
import { CheckFailure, request, type Check, type PortableCheckContext } from './check.js';

export const lbServes: Check<PortableCheckContext> = {
  name: 'lb-serves',
  guards: 'the LB answers 200 on / through its published port',
  async run({ url, ca }) {
    const answer = await request(`${url}/`, { ca }).catch((error: Error) => {
      throw new CheckFailure(
        `${url}/ did not answer: ${error.cause instanceof Error ? error.cause.message : error.message}`,
      );
    });
    if (answer.status !== 200) throw new CheckFailure(`${url}/ answered ${answer.status}, expected 200`);
    if (!answer.servedBy)
      throw new CheckFailure(`${url}/ answered without an X-Served-By header: is HAProxy in front?`);
    return `200 from ${answer.servedBy} in ${answer.ms.toFixed(0)} ms`;
  },
};

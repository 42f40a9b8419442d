import { failedTasks } from './deploy.js';

describe('failedTasks', () => {
  it("names each failure's own task or handler when the servers' results interleave (the free strategy)", () => {
    // ansible-playbook's output of a run whose handler failed on two servers while a task failed on a third.
    const output = [
      'RUNNING HANDLER [db : Restart the database] ************************************',
      'fatal: [web-01]: FAILED! => {"changed": false, "msg": "Could not find the requested service mariadb: host"}',
      '',
      'TASK [haproxy : Haproxy runs, and starts at boot] ******************************',
      'fatal: [lb-01]: FAILED! => {"changed": false, "msg": "Could not find the requested service haproxy: host"}',
      '',
      'RUNNING HANDLER [db : Restart the database] ************************************',
      'fatal: [web-02]: FAILED! => {"changed": false, "msg": "Could not find the requested service mariadb: host"}',
    ].join('\n');
    expect(failedTasks(output).map((f) => `${f.task} ${f.line.slice(0, 14)}`)).toEqual([
      'RUNNING HANDLER [db : Restart the database] fatal: [web-01',
      'TASK [haproxy : Haproxy runs, and starts at boot] fatal: [lb-01]',
      'RUNNING HANDLER [db : Restart the database] fatal: [web-02',
    ]);
  });
});

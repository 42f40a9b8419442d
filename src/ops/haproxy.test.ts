import { parseServerCounters, parseServerStates } from './haproxy.js';

// The first columns of `show stat` from the lab's HAProxy 3.0, with web-02 in maintenance.
const csv = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
www,FRONTEND,,,0,1,2048,12,1,2,0,0,0,,,,,OPEN,
web,web-01,0,0,0,1,,6,1,2,,0,,0,0,0,0,UP,1
web,web-02,0,0,0,1,,6,1,2,,0,,0,0,0,0,MAINT,1
web,BACKEND,0,0,0,1,205,12,1,2,0,0,,0,0,0,0,UP,1
stats,BACKEND,0,0,0,0,205,0,0,0,0,0,,0,0,0,0,UP,0
`;

it('reads each web server state from show stat, by column name', () => {
  expect(parseServerStates(csv, 'web')).toEqual({ 'web-01': 'UP', 'web-02': 'MAINT' });
  expect(parseServerStates(csv, 'stats')).toEqual({});
});

it("counts each web server's HTTP responses, and its 5xx, by column name", () => {
  const withResponses = `# pxname,svname,wretr,wredis,status,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other
www,FRONTEND,,,OPEN,0,40,2,1,3,0
web,web-01,3,2,UP,0,20,1,1,2,0
web,web-02,0,0,DOWN,0,20,1,0,1,0
web,BACKEND,3,2,UP,0,40,2,1,3,0
`;
  expect(parseServerCounters(withResponses, 'web')).toEqual({
    'web-01': { status: 'UP', responses: 24, errors5xx: 2, retries: 3, redispatches: 2 },
    'web-02': { status: 'DOWN', responses: 22, errors5xx: 1, retries: 0, redispatches: 0 },
  });
});

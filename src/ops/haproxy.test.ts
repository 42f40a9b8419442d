import { parseServerStates } from './haproxy.js';

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

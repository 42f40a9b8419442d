// The application server of upstream: a placeholder that answers on 127.0.0.1:5000 until the real app (with its
// database reads and writes) replaces it. Rendered by infra.
'use strict';
const http = require('node:http');

const serverName = process.env.INFRA_SERVER || 'unknown';

const server = http.createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/api/health') return send(200, { status: 'ok', server: serverName });
  if (req.url === '/api/whoami') return send(200, { server: serverName, placeholder: true });
  send(404, { error: 'not found', path: req.url });
});

server.listen(5000, '127.0.0.1');
// Docker stops containers with SIGTERM; without a handler Node would wait out the stop timeout.
process.on('SIGTERM', () => server.close(() => process.exit(0)));

/**
 * The baselines the gateway is measured against, run as their own processes by the harness:
 *   npx node bench/baselines.ts node-http <port>   a bare node:http server
 *   npx node bench/baselines.ts express <port>     a bare express app
 * Both read the request body and answer 202 with a small JSON document, doing no other work:
 * what any HTTP service on this machine costs before it does anything useful.
 */
import { createServer } from 'node:http';
import express from 'express';

const [kind, portText] = process.argv.slice(2);
const port = Number(portText);
const answer = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', status: 'in_progress' });

if (kind === 'node-http') {
  createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' }).end(answer));
  }).listen(port, '127.0.0.1', () => console.log('baseline ready'));
} else if (kind === 'express') {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.post('/v1/changes', (req, res) => {
    req.resume();
    req.on('end', () => void res.status(202).type('application/json').send(answer));
  });
  app.listen(port, '127.0.0.1', () => console.log('baseline ready'));
} else {
  console.error('usage: baselines.ts node-http|express <port>');
  process.exit(2);
}

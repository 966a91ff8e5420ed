/**
 * One trace from the caller to the silo: the gateway and router run in this process, the
 * connector in its own, each exporting spans over OTLP/HTTP to a receiver this test runs. The
 * spans must chain caller → gateway → router → connector, and the silo must receive the
 * connector span's traceparent (seen by a recording HTTP proxy in front of the simulator).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@relais/connector-kit/testing';
import { addressChange, settledAll, startStack, type Stack } from './support/stack.ts';

interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  kind: number;
}

let stack: Stack;
let receiver: Server;
let proxy: Server;
let connector: ChildProcess | undefined;
let opsUrl = '';
const spans: ExportedSpan[] = [];
const siloTraceparents: string[] = [];

/** OTLP/JSON ids are hex; tolerate base64 (protobuf-JSON mapping) too. */
const hex = (id: unknown): string =>
  typeof id !== 'string' || id === '' ? '' : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex');

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { name: string; traceId: string; spanId: string; parentSpanId?: string; kind: number }[] }[];
  }[];
}

/** A real OTLP/HTTP endpoint (JSON encoding): POST /v1/traces. */
function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    void body(req).then((text) => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(text) as OtlpExport;
        for (const rs of payload.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? [])
              spans.push({
                service,
                name: s.name,
                traceId: hex(s.traceId),
                spanId: hex(s.spanId),
                parentSpanId: hex(s.parentSpanId),
                kind: s.kind,
              });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Forwards everything to the simulator and records the traceparent of each address write. */
function startProxy(target: string): Promise<Server> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    if (req.method === 'PUT' && /\/adresse$/.test(req.url ?? '')) siloTraceparents.push(String(req.headers['traceparent'] ?? ''));
    const upstream = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

before(async () => {
  receiver = await startReceiver();
  stack = await startStack({ connectors: false, env: { OTEL_EXPORTER_OTLP_ENDPOINT: url(receiver) } });
  proxy = await startProxy(stack.siloUrl);
  connector = spawn(process.execPath, ['bin/relais.ts', 'connector', 'social-services'], {
    env: { ...process.env, ...stack.env, SOCIAL_SERVICES_URL: url(proxy), OTEL_EXPORTER_OTLP_ENDPOINT: url(receiver), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    connector!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /"opsPort":(\d+)[^\n]*connector ready/.exec(output);
      if (ready) {
        opsUrl = `http://127.0.0.1:${ready[1]}`;
        resolve();
      }
    });
    connector!.once('exit', (code) => reject(new Error(`connector exited (${code}) before it was ready: ${output}`)));
  });
});

after(async () => {
  if (connector && connector.exitCode === null) {
    const exited = once(connector, 'exit');
    connector.kill('SIGTERM');
    await exited;
  }
  await stack?.stop();
  proxy?.close();
  receiver?.close();
});

test('one trace spans caller → gateway → router → connector → silo call', { timeout: 90_000 }, async () => {
  await stack.openFile('SS-800001');
  const traceId = randomBytes(16).toString('hex');
  const callerSpan = randomBytes(8).toString('hex');
  const posted = await stack.postChange(addressChange('SS-800001', 'rue de la Trace'), { traceparent: `00-${traceId}-${callerSpan}-01` });
  assert.equal(posted.status, 202);
  const change = await stack.waitForStatus(posted.body.id, settledAll, 40_000);
  assert.equal(change.recipients[0]!.status, 'applied');

  const find = (service: string, name: RegExp) => spans.find((s) => s.traceId === traceId && s.service === service && name.test(s.name));
  const [gateway, router, apply] = await eventually(
    async () => {
      const found = [
        find('relais', /^POST \/v1\/changes$/),
        find('relais', /^route fr\.relais\.citizen\.address\.changed\.v1$/),
        find('relais-connector-social-services', /^apply /),
      ];
      return found.every(Boolean) ? (found as ExportedSpan[]) : undefined;
    },
    20_000,
    `the three spans of trace ${traceId} (received: ${spans.length} spans)`,
  );

  assert.equal(gateway!.parentSpanId, callerSpan, "the gateway continues the caller's span");
  assert.equal(router!.parentSpanId, gateway!.spanId, 'the router is a child of the gateway (traceparent in relais.events)');
  assert.equal(apply!.parentSpanId, router!.spanId, 'the connector is a child of the router (traceparent in the delivery)');
  assert.deepEqual([gateway!.kind, router!.kind, apply!.kind], [2, 5, 3], 'SERVER, CONSUMER, CLIENT (OTLP SpanKind numbers)');
  assert.deepEqual(siloTraceparents, [`00-${traceId}-${apply!.spanId}-01`], "the silo received the connector span's traceparent");
});

test('the connector process serves /metrics, /healthz and /readyz on its operations port', async () => {
  assert.equal((await fetch(`${opsUrl}/healthz`)).status, 200);
  const ready = await fetch(`${opsUrl}/readyz`);
  assert.equal(ready.status, 200);
  const readiness = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
  assert.deepEqual(Object.fromEntries(Object.entries(readiness.checks).map(([name, c]) => [name, c.status])), {
    store: 'ok',
    kafka: 'ok',
    consumer: 'ok',
  });
  const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
  assert.match(
    metrics,
    /^relais_deliveries_total\{system="social-services",outcome="applied"\} 1$/m,
    'the one change the trace test applied',
  );
  assert.match(metrics, new RegExp(`^relais_consumer_group_members\\{group="${stack.prefix}-sink-social-services"\\} 1$`, 'm'));
  assert.equal((await fetch(`${opsUrl}/nothing`)).status, 404);
});

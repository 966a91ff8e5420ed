import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { parse as parseYaml } from 'yaml';
import { eventTypes } from '../schemas/index.ts';
import { asyncApiYaml } from './asyncapi.ts';
import { loadFlows, parseFlows, type Flows } from '../core/flows/flows.ts';

/** Flows with more systems than flows/ has today, as other connectors will add them. */
const wider = parseFlows([
  {
    file: 'flows/wider.yaml',
    text: `
systems:
  tax: { connector: tax }
  waste-management: { connector: waste-management }
routes:
  - id: household-to-tax
    event: fr.relais.citizen.household.changed.v1
    basis: { kind: legal-obligation, reference: CGI art. 6 }
    to: [{ system: tax, fields: [members, members.dependent, effectiveDate] }]
  - id: requests-to-waste
    event: fr.relais.service-request.submitted.v1
    basis: { kind: citizen-request, reference: the citizen asked }
    to: [{ system: waste-management, fields: [requestId, category, location, description] }]
`,
  },
]);

async function parse(flows: Flows) {
  const { document, diagnostics } = await new Parser().parse(asyncApiYaml(flows, '0.0.0-test'));
  // The parser's diagnostics carry Spectral's severity enum; the parser re-exports its values.
  const error: number = DiagnosticSeverity.Error;
  const errors = diagnostics.filter((d) => (d.severity as number) === error).map((d) => `${d.path.join('/')}: ${d.message}`);
  assert.deepEqual(errors, []);
  assert.ok(document, 'the parser returned a document');
  return document;
}

for (const [name, flows] of [
  ['flows/', loadFlows('flows')],
  ['wider flows', wider],
] as const) {
  test(`the AsyncAPI document for ${name} parses with zero errors and lists every topic and event type`, async () => {
    const document = await parse(flows);
    const systems = [...new Set(flows.routes.flatMap((r) => r.to.map((t) => t.system)))].sort();
    assert.deepEqual(
      document
        .channels()
        .all()
        .map((c) => c.address())
        .sort(),
      [
        'relais.events',
        'relais.receipts',
        'relais.dlq.router',
        'relais.dlq.source.{system}',
        ...systems.flatMap((s) => [`relais.delivery.${s}`, `relais.dlq.${s}`]),
      ].sort(),
    );
    const events = document.channels().get('events')!;
    assert.deepEqual(
      events
        .messages()
        .all()
        .map((m) => m.name())
        .sort(),
      eventTypes().sort(),
    );
    for (const message of events.messages().all()) {
      const headers = message.headers()!.json<{ required: string[]; properties: Record<string, { const?: string }> }>();
      assert.equal(headers.properties['ce_type']!.const, message.name());
      assert.match(headers.properties['ce_dataschema']!.const ?? '', /^https:\/\/relais\.example\/schemas\/events\/.+\.json$/);
      assert.ok(
        ['ce_specversion', 'ce_id', 'ce_source', 'ce_subject', 'ce_time', 'ce_dataschema', 'content-type'].every((h) =>
          headers.required.includes(h),
        ),
      );
    }
    for (const system of systems) {
      const routed = flows.routes
        .filter((r) => r.to.some((t) => t.system === system))
        .map((r) => r.event)
        .sort();
      assert.deepEqual(
        document
          .channels()
          .get(`delivery.${system}`)!
          .messages()
          .all()
          .map((m) => m.name())
          .sort(),
        routed,
      );
    }
  });
}

test('docs/asyncapi.yaml is the document of flows/ (npm run gen)', () => {
  // Compared as data: the committed file is also prettier-formatted (npm run gen:check checks its bytes).
  assert.deepEqual(parseYaml(readFileSync('docs/asyncapi.yaml', 'utf8')), parseYaml(asyncApiYaml(loadFlows('flows'))));
});

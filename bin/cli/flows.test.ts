/**
 * `relais flows validate` and `relais flows routes`, driven in-process with captured output:
 * the shipped flows pass and print their routing table; a flow naming an unknown event type,
 * an unknown field or an undeclared system fails with `file:line: reason` and exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from './capture.ts';
import { runCli } from './program.ts';

const declared = 'systems:\n  social-services:\n    connector: social-services\n';
const route = (event: string, system: string, fields: string): string =>
  `routes:\n  - id: r1\n    event: ${event}\n    basis: { kind: public-task, reference: some law }\n    to:\n      - system: ${system}\n        fields: [${fields}]\n`;

function flowDir(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relais-flows-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

async function validate(dir: string): Promise<{ code: number; stderr: string[]; stdout: string[] }> {
  const io = captureIo();
  const code = await runCli(['flows', 'validate', dir], io);
  return { code, stderr: io.stderr, stdout: io.stdout };
}

test('the shipped flows are valid', async () => {
  const { code, stdout } = await validate('flows');
  assert.equal(code, 0);
  assert.match(stdout.join('\n'), /^flows valid: \d+ file\(s\), \d+ system\(s\), \d+ route\(s\)$/);
});

test('an unknown event type fails with file, line and reason', async () => {
  const { dir, file } = flowDir(declared + route('fr.relais.citizen.nothing.happened.v1', 'social-services', 'address'));
  const { code, stderr } = await validate(dir);
  assert.equal(code, 1);
  assert.deepEqual(stderr, [
    `${file}:6: routes[0].event: unknown event type "fr.relais.citizen.nothing.happened.v1" (no schema in schemas/events/)`,
  ]);
});

test('an unknown field fails with file, line and reason', async () => {
  const { dir, file } = flowDir(
    declared + route('fr.relais.citizen.address.changed.v1', 'social-services', 'address.postcode, adress.street'),
  );
  const { code, stderr } = await validate(dir);
  assert.equal(code, 1);
  assert.deepEqual(stderr, [
    `${file}:10: routes[0].to[0].fields[1]: "adress.street" is not a field of fr.relais.citizen.address.changed.v1`,
  ]);
});

test('an undeclared system fails with file, line and reason', async () => {
  const { dir, file } = flowDir(declared + route('fr.relais.citizen.address.changed.v1', 'tax', 'address.postcode'));
  const { code, stderr } = await validate(dir);
  assert.equal(code, 1);
  assert.deepEqual(stderr, [`${file}:9: routes[0].to[0].system: system "tax" is not declared under systems`]);
});

test('a system whose connector is not registered fails too; --json lists every problem', async () => {
  const { dir, file } = flowDir(
    'systems:\n  archives:\n    connector: ftp-thing\n' + route('fr.relais.citizen.address.changed.v1', 'tax', 'zip'),
  );
  const io = captureIo();
  const code = await runCli(['flows', 'validate', dir, '--json'], io);
  assert.equal(code, 1);
  const report = JSON.parse(io.stdout.join('\n')) as { valid: boolean; problems: string[] };
  assert.equal(report.valid, false);
  assert.equal(report.problems.length, 3);
  assert.match(
    report.problems[0]!,
    new RegExp(`^${file.replaceAll('.', '\\.')}:3: systems\\.archives\\.connector: unknown connector "ftp-thing"`),
  );
});

test('a directory that does not exist is one line and exit 1', async () => {
  const io = captureIo();
  assert.equal(await runCli(['flows', 'validate', '/nonexistent/flows'], io), 1);
  assert.deepEqual(io.stderr, ['relais: flows: no directory /nonexistent/flows']);
});

test('flows routes prints the routing table of the shipped flows: event type → system → basis → fields', async () => {
  const io = captureIo();
  assert.equal(await runCli(['flows', 'routes'], io), 0);
  const text = io.stdout.join('\n');
  assert.match(text, /^fr\.relais\.citizen\.address\.changed\.v1$/m);
  assert.match(text, /^ {2}→ social-services +public-task \(filtered\): address\.number, .*effectiveDate$/m);
  assert.match(text, /^ {2}→ tax +legal-obligation: address\.number, .*effectiveDate$/m);
  assert.match(text, /^fr\.relais\.citizen\.death\.registered\.v1\n(?: {2}→ .*\n)* {2}→ social-services +legal-obligation: dateOfDeath$/m);

  const json = captureIo();
  assert.equal(await runCli(['flows', 'routes', 'flows', '--json'], json), 0);
  const rows = JSON.parse(json.stdout.join('\n')) as { event: string; system: string; basis: string; fields: string[]; file: string }[];
  const toTax = rows.find((r) => r.event === 'fr.relais.citizen.address.changed.v1' && r.system === 'tax');
  assert.deepEqual([toTax?.basis, toTax?.file, toTax?.fields.includes('address.postcode')], ['legal-obligation', 'flows/tax.yaml', true]);
});

test('flows routes refuses invalid flows with the same problems', async () => {
  const { dir } = flowDir(declared + route('fr.relais.citizen.address.changed.v1', 'tax', 'address.postcode'));
  const io = captureIo();
  assert.equal(await runCli(['flows', 'routes', dir], io), 1);
  assert.equal(io.stdout.length, 0);
  assert.match(io.stderr[0]!, /system "tax" is not declared/);
});

test('an alias without its anchor fails with file, line and reason, not a raw ReferenceError', async () => {
  const { dir, file } = flowDir(`${declared}routes:\n  - *route\n`);
  const { code, stderr } = await validate(dir);
  assert.equal(code, 1);
  assert.deepEqual(stderr, [`${file}:5: alias *route has no anchor &route before it`]);
});

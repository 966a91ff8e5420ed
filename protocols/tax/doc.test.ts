/** docs/formats/tax-batch.md is the contract: each of its layout tables must match the code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { layoutWidth, type FileSpec, type Layout } from './fixed-width.ts';
import { taxAckSpec } from './ack.ts';
import { taxBatchSpec } from './batch.ts';
import { taxChangesSpec } from './changes.ts';

const doc = readFileSync(new URL('../../docs/formats/tax-batch.md', import.meta.url), 'utf8');
const trailer: Layout = {
  recordType: '99',
  fields: [
    ['count', 9, 'numeric'],
    ['checksum', 8],
  ],
};

function documented(key: string): string[][] {
  const start = doc.indexOf(`<!-- layout: ${key} -->`);
  assert.ok(start >= 0, `docs/formats/tax-batch.md has no table for ${key}`);
  // The marker, then the table (prettier may put a blank line between): skip its header and separator rows.
  const lines = doc.slice(start).split('\n').slice(1);
  const rows = lines.slice(lines.findIndex((r) => r.startsWith('|')) + 2);
  const end = rows.findIndex((r) => !r.startsWith('|'));
  return rows.slice(0, end).map((r) =>
    r
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim()),
  );
}

function expected(spec: FileSpec, layout: Layout): string[][] {
  const rows = [['1', '2', 'recordType', `\`${layout.recordType}\``]];
  let at = 3;
  for (const [name, width, kind] of layout.fields) {
    rows.push([String(at), String(width), name, kind ?? 'alpha']);
    at += width;
  }
  rows.push([String(at), String(spec.recordLength - layoutWidth(layout)), 'filler', 'spaces']);
  return rows;
}

for (const [name, spec] of [
  ['batch', taxBatchSpec],
  ['ack', taxAckSpec],
  ['changes', taxChangesSpec],
] as const) {
  test(`the ${spec.name} layouts in docs/formats/tax-batch.md match the code`, () => {
    for (const layout of [spec.header, spec.detail, trailer]) {
      assert.deepEqual(documented(`${name}/${layout.recordType}`), expected(spec, layout), `${name}/${layout.recordType}`);
    }
  });
}

/** Consumer group names are a contract (docs/contracts.md): the code and the table agree. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { consumerGroups } from './topics.ts';

test('every consumer group the code uses is listed in docs/contracts.md, and only those', () => {
  const doc = readFileSync(new URL('../docs/contracts.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Consumer groups'), doc.indexOf('## Headers'));
  const documented = [...section.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]).sort();
  const groups = consumerGroups('<prefix>');
  const used = [groups.router, groups.receipts, groups.serviceRequests, groups.sink('<system>')].sort();
  assert.deepEqual(documented, used);
});

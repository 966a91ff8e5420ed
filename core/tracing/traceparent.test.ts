import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childTraceparent, parseTraceparent } from './traceparent.ts';

const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('a child keeps its parent trace id and flags, with a new span id', () => {
  const child = parseTraceparent(childTraceparent(parent));
  assert.ok(child, 'the child is a valid traceparent');
  assert.equal(child.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(child.flags, '01');
  assert.notEqual(child.spanId, '00f067aa0ba902b7');
});

test('without a valid parent, a new sampled trace', () => {
  for (const missing of [undefined, 'nonsense', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
    const started = parseTraceparent(childTraceparent(missing));
    assert.ok(started, String(missing));
    assert.notEqual(started.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(started.flags, '01');
  }
});

test('ids are lower-case hex of the right length, and none repeats over 10,000 spans', () => {
  const spans = new Set<string>();
  const traces = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const context = parseTraceparent(childTraceparent());
    assert.ok(context);
    assert.match(context.traceId, /^[0-9a-f]{32}$/);
    assert.match(context.spanId, /^[0-9a-f]{16}$/);
    spans.add(context.spanId);
    traces.add(context.traceId);
  }
  assert.equal(spans.size, 10_000);
  assert.equal(traces.size, 10_000);
});

test('a span id takes no fixed bit of the UUID it is cut from: each of its 16 digits varies', () => {
  const seen = Array.from({ length: 16 }, () => new Set<string>());
  for (let i = 0; i < 2_000; i++) {
    const spanId = parseTraceparent(childTraceparent(parent))!.spanId;
    for (let d = 0; d < 16; d++) seen[d]!.add(spanId[d]!);
  }
  for (const [d, digits] of seen.entries()) assert.equal(digits.size, 16, `digit ${d} takes every hex value`);
});

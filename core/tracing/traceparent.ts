/**
 * W3C Trace Context `traceparent` values (version 00). The gateway starts or continues a trace
 * per request; the value travels in Kafka headers so every hop can be tied back to the request.
 * Ids are cut from randomUUID (Node's entropy cache; randomBytes asks OpenSSL each call, ~11% of
 * a connector runtime): a trace id keeps the UUID's fixed bits in its left 9 bytes; a span id none.
 */
import { randomUUID } from 'node:crypto';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export type TraceContext = { traceId: string; spanId: string; flags: string };

export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const match = value === undefined ? null : traceparentPattern.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, flags };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.flags}`;
}

/** A child span of `parent` (same trace, new span id), or a new sampled trace. */
export function childTraceparent(parent?: string): string {
  const context = parseTraceparent(parent);
  return formatTraceparent({
    traceId: context?.traceId ?? randomUUID().replaceAll('-', ''),
    spanId: ((uuid) => uuid.slice(0, 8) + uuid.slice(28))(randomUUID()),
    flags: context?.flags ?? '01',
  });
}

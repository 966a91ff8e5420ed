/**
 * W3C Trace Context `traceparent` values (version 00). The gateway starts or continues a trace
 * per request; the value travels in Kafka headers so every hop can be tied back to the request.
 */
import { randomBytes } from 'node:crypto';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceContext {
  traceId: string;
  spanId: string;
  flags: string;
}

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
    traceId: context?.traceId ?? randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    flags: context?.flags ?? '01',
  });
}

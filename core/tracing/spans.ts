/**
 * Tracing (OpenTelemetry). Spans are made by hand at the hops that matter — the gateway's
 * request, the router's routing of an event, a connector's call to its silo — and tied
 * together by the W3C `traceparent` that travels in Kafka headers (core/tracing/traceparent.ts). No
 * auto-instrumentation and no loader hook (docs/adr/0011-tracing-and-readiness.md): only @opentelemetry/api
 * is imported here, which is a no-op until initTracing() installs the SDK, and the SDK is
 * loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 * Without the SDK every hop still continues the trace (a child span id per hop), so the
 * traceparent reaching a silo belongs to the caller's trace either way.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { describeError } from '../errors.ts';
import { childTraceparent, formatTraceparent, parseTraceparent } from './traceparent.ts';

export interface TracedSpan {
  /** The span's own context as a traceparent: what the next hop receives. */
  traceparent: string;
  setAttributes(attributes: Attributes): void;
  /** Ends the span; an error marks it failed (its message only: no personal data). */
  end(error?: unknown): void;
}

const kinds = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/** Starts a span continuing `parent` (a traceparent), or a new trace. */
export function startSpan(
  name: string,
  options: { parent?: string | undefined; kind: keyof typeof kinds; attributes?: Attributes },
): TracedSpan {
  const parent = parseTraceparent(options.parent);
  const context = parent
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: parent.traceId,
        spanId: parent.spanId,
        traceFlags: Number.parseInt(parent.flags, 16),
        isRemote: true,
      })
    : ROOT_CONTEXT;
  const span = trace
    .getTracer('relais')
    .startSpan(name, { kind: kinds[options.kind], ...(options.attributes ? { attributes: options.attributes } : {}) }, context);
  const own = span.spanContext();
  const traceparent = span.isRecording()
    ? formatTraceparent({ traceId: own.traceId, spanId: own.spanId, flags: own.traceFlags.toString(16).padStart(2, '0') })
    : childTraceparent(options.parent);
  return {
    traceparent,
    setAttributes: (attributes) => void span.setAttributes(attributes),
    end(error) {
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).slice(0, 300) });
      span.end();
    },
  };
}

export interface Tracing {
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Installs the SDK with an OTLP/HTTP exporter when an endpoint is configured; otherwise
 * tracing stays a no-op and nothing is loaded. One provider per process: a second call
 * returns the first.
 */
let installed: Promise<Tracing> | undefined;

export function initTracing(options: { endpoint?: string | undefined; serviceName: string }): Promise<Tracing> {
  if (!options.endpoint) return Promise.resolve({ shutdown: async () => undefined });
  const { endpoint, serviceName } = options;
  installed ??= import('./sdk.ts').then((sdk) => sdk.installTracerProvider({ endpoint, serviceName }));
  return installed;
}

/**
 * Metric names are a contract with dashboards and alerts: docs/observability.md lists them, and
 * the registry must expose exactly those (no undocumented one, no documented one missing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { erasedSkippedCounter } from '../privacy/metrics.ts';
import { createMetrics, sinkMetricsHooks, routerMetricsHooks, sourceMetricsHooks, refreshGauges } from './metrics.ts';

test('the registry exposes exactly the metrics documented in docs/observability.md', async () => {
  const doc = readFileSync(new URL('../docs/observability.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\|\s*`(relais_[a-z_]+)`\s*\|/gm)].map((m) => m[1]).sort();
  const metrics = createMetrics({ defaultMetrics: false });
  // Registered on the same registry by the processes that open sealed messages (privacy/metrics.ts: outside the kernel).
  erasedSkippedCounter(metrics.registry);
  const registered = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name).sort();
  assert.deepEqual(registered, documented);
});

test('hooks count what the components report', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  const sink = sinkMetricsHooks(metrics);
  sink.settled('tax', 'applied', 1, 20);
  sink.settled('tax', 'dead_lettered', 3, 900);
  sink.retried('tax', 'SILO_UNAVAILABLE');
  sink.skippedDuplicate('tax');
  const router = routerMetricsHooks(metrics);
  router.routed('tax', 'rejected');
  router.invalid();
  const source = sourceMetricsHooks(metrics);
  source.polled('civil-registry', 'ok');
  source.published('civil-registry', 4);
  source.invalid('civil-registry', 'fr.relais.citizen.death.registered.v1');
  metrics.checkpoints.set('civil-registry', Date.now() - 60_000); // as if that good poll was a minute ago
  source.polled('civil-registry', 'failed');
  await refreshGauges(metrics);
  const text = await metrics.registry.metrics();
  for (const line of [
    'relais_deliveries_total{system="tax",outcome="applied"} 1',
    'relais_deliveries_total{system="tax",outcome="dead_lettered"} 1',
    'relais_dead_letters_total{system="tax"} 1',
    'relais_dead_letters_total{system="router"} 1',
    'relais_delivery_retries_total{system="tax",code="SILO_UNAVAILABLE"} 1',
    'relais_delivery_duplicates_total{system="tax"} 1',
    'relais_router_deliveries_total{system="tax",outcome="rejected"} 1',
    'relais_sink_decision_seconds_count{system="tax",outcome="dead_lettered"} 1',
    'relais_source_events_total{system="civil-registry"} 4',
    'relais_source_polls_total{system="civil-registry",outcome="ok"} 1',
    'relais_source_polls_total{system="civil-registry",outcome="failed"} 1',
    'relais_source_poll_errors_total{system="civil-registry"} 1',
    'relais_source_invalid_events_total{system="civil-registry",type="fr.relais.citizen.death.registered.v1"} 1',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
  const age = /relais_source_checkpoint_age_seconds\{system="civil-registry"\} ([\d.]+)/.exec(text);
  assert.ok(age && Number(age[1]) >= 60 && Number(age[1]) < 70, `checkpoint age ~60 s, got ${age?.[1]}`);
});

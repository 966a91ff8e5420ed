/**
 * What each channel and system achieves (GET /v1/kpis): changes by channel as a bar chart drawn
 * on the server (SVG, with its figures in a table beside it for screen readers and copying), time
 * to apply and success per system, and the CSV export (GET /v1/kpis?format=csv, passed through).
 */
import { Router } from 'express';
import { html, type Html } from '../../web/html.ts';
import { formatNumber } from '../../web/i18n.ts';
import { ok, type Schemas } from '../api.ts';
import { table } from '../components.ts';
import { gateway, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { MessageKey } from '../messages.ts';
import type { Sessions } from '../session.ts';

const BAR_HEIGHT = 28;
const CHART_WIDTH = 640;
/** Room for the longest label, at ~8 px a character in 14 px Marianne (SVG text does not wrap). */
const labelWidth = (labels: string[]): number => Math.min(280, Math.max(100, 12 + 8 * Math.max(0, ...labels.map((l) => l.length))));

/** Horizontal bars, one per row: drawn with the DSFR's blue, labelled in text (not colour alone). */
function barChart(title: string, rows: { label: string; value: number; shown: string }[]): Html {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = rows.length * BAR_HEIGHT + 8;
  const labelSpace = labelWidth(rows.map((r) => r.label));
  return html`<svg
    role="img"
    aria-labelledby="chart-title"
    viewBox="0 0 ${CHART_WIDTH} ${height}"
    width="100%"
    style="max-width:${CHART_WIDTH}px"
  >
    <title id="chart-title">${title}</title>
    ${rows.map((r, i) => {
      const width = Math.round(((CHART_WIDTH - labelSpace - 80) * r.value) / max);
      const y = i * BAR_HEIGHT + 4;
      return html`<text x="0" y="${y + 18}" font-size="14" fill="#161616">${r.label}</text>
        <rect x="${labelSpace}" y="${y + 4}" width="${width}" height="${BAR_HEIGHT - 10}" fill="#000091"></rect>
        <text x="${labelSpace + width + 6}" y="${y + 18}" font-size="14" fill="#161616">${r.shown}</text>`;
    })}
  </svg>`;
}

const seconds = (ctx: Context, value: number | null) => (value === null ? '—' : `${formatNumber(ctx.lang, value, 1)} s`);
const percent = (ctx: Context, value: number | null) => (value === null ? '—' : `${formatNumber(ctx.lang, value * 100, 1)} %`);

function kpisPage(ctx: Context, kpis: Schemas['Kpis']) {
  const channels = kpis.byChannel.map((c) => ({
    // A change that started in a silo (a source connector's) has no channel: its system stands in.
    label: c.channel
      ? ctx.t(`channel_${c.channel}` as MessageKey)
      : c.originSystem
        ? ctx.t('channel_origin', { system: c.originSystem })
        : '—',
    value: c.changes,
    shown: formatNumber(ctx.lang, c.changes),
  }));
  return html`<h1>${ctx.t('kpisTitle')}</h1>
    <p>${ctx.t('kpisPeriod', { from: kpis.from.slice(0, 10), to: kpis.to.slice(0, 10) })}</p>
    <p><a class="fr-link" href="/kpis.csv" download>${ctx.t('kpisCsv')}</a></p>
    <h2>${ctx.t('kpisByChannel')}</h2>
    ${barChart(ctx.t('kpisByChannel'), channels)}
    ${table(
      ctx.t('kpisByChannel'),
      [ctx.t('contactChannel'), ctx.t('kpisChanges'), ctx.t('kpisContactsAvoided')],
      kpis.byChannel.map((c, i) => [channels[i]!.label, formatNumber(ctx.lang, c.changes), formatNumber(ctx.lang, c.contactsAvoided)]),
    )}
    <h2>${ctx.t('kpisBySystem')}</h2>
    ${table(
      ctx.t('kpisBySystem'),
      [ctx.t('filesSystem'), ctx.t('kpisDeliveries'), ctx.t('kpisSuccess'), ctx.t('kpisRejection'), 'p50', 'p95'],
      kpis.bySystem.map((s) => [
        s.system,
        formatNumber(ctx.lang, s.deliveries),
        percent(ctx, s.successRate),
        percent(ctx, s.rejectionRate),
        seconds(ctx, s.medianSecondsToApply),
        seconds(ctx, s.p95SecondsToApply),
      ]),
    )}`;
}

export function kpisScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get(
    '/kpis',
    screen(sessions, options, async (ctx) => {
      // JSON unless format=csv: the document declares both bodies for the one 200.
      const kpis = ok(await gateway(ctx).GET('/v1/kpis', { params: { query: { format: 'json' } } })) as Schemas['Kpis'];
      render(ctx, ctx.t('kpisTitle'), kpisPage(ctx, kpis), 'kpis');
    }),
  );
  router.get(
    '/kpis.csv',
    screen(sessions, options, async (ctx) => {
      const csv = ok(await gateway(ctx).GET('/v1/kpis', { params: { query: { format: 'csv' } }, parseAs: 'text' }));
      ctx.res.type('text/csv; charset=utf-8').attachment('relais-kpis.csv').send(csv);
    }),
  );
  return router;
}

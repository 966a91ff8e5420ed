/**
 * Operators: the dead letters of every system (GET /v1/systems, GET /v1/systems/{system}/dead-letters)
 * and a replay to one system (POST /v1/systems/{system}/dead-letters/replay, audited by the gateway).
 */
import { Router } from 'express';
import { html } from '../../web/html.ts';
import { formatDateTime } from '../../web/i18n.ts';
import { ok } from '../api.ts';
import { table } from '../components.ts';
import { csrfField, field, gateway, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { Sessions } from '../session.ts';

async function deadLettersPage(ctx: Context) {
  const api = gateway(ctx);
  const systems = ok(await api.GET('/v1/systems'));
  const lists = await Promise.all(
    systems.systems.map((s) => api.GET('/v1/systems/{system}/dead-letters', { params: { path: { system: s.name } } }).then(ok)),
  );
  const withLetters = lists.filter((l) => l.deadLetters.length > 0);
  const sections = withLetters.map(
    (list) =>
      html`<section aria-labelledby="dl-${list.system}">
        <h2 id="dl-${list.system}">${list.system}</h2>
        ${table(
          list.system,
          [ctx.t('deadLetterEvent'), ctx.t('deadLetterError'), ctx.t('deadLetterFailedAt'), ctx.t('deadLetterState'), ''],
          list.deadLetters.map((d) => [
            html`<code>${d.type ?? ''}</code> ${d.eventId ?? ''}`,
            html`${d.code}: ${d.error}`,
            d.failedAt ? formatDateTime(ctx.lang, d.failedAt) : '',
            d.status,
            d.eventId && d.status === 'dead_lettered'
              ? html`<form method="post" action="/dead-letters/${list.system}/replay">
                  ${csrfField(ctx)}<input type="hidden" name="eventId" value="${d.eventId}" /><input
                    type="hidden"
                    name="kind"
                    value="${d.kind}"
                  /><button class="fr-btn fr-btn--sm" type="submit">${ctx.t('deadLetterReplay', { system: list.system })}</button>
                </form>`
              : '',
          ]),
        )}
      </section>`,
  );
  render(
    ctx,
    ctx.t('deadLettersTitle'),
    html`<h1>${ctx.t('deadLettersTitle')}</h1>
      <p>${ctx.t('deadLettersIntro')}</p>
      ${sections.length ? sections : html`<p>${ctx.t('deadLettersNone')}</p>`}`,
    'dead-letters',
  );
}

export function operationsScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get('/dead-letters', screen(sessions, options, deadLettersPage));
  router.post(
    '/dead-letters/:system/replay',
    screen(sessions, options, async (ctx) => {
      const system = String(ctx.req.params['system']);
      const result = ok(
        await gateway(ctx).POST('/v1/systems/{system}/dead-letters/replay', {
          params: { path: { system } },
          body: { eventIds: [field(ctx, 'eventId')], kind: field(ctx, 'kind') === 'source' ? 'source' : 'delivery' },
        }),
      );
      ctx.session.flash = { kind: 'success', text: ctx.t('deadLetterReplayed', { count: result.replayed.length }) };
      ctx.res.redirect(303, '/dead-letters');
    }),
  );
  return router;
}

/**
 * Operators: the dead letters of every system (GET /v1/systems, GET /v1/systems/{system}/dead-letters),
 * and the triage of one (docs/adr/0036): inspect it (GET …/dead-letters/{eventId}), fix its data
 * and re-drive it (POST …/{eventId}/fix, checked by the gateway against the event's schema),
 * replay it as it is (POST …/replay) or discard it with a reason (POST …/discard) — each audited
 * by the gateway. Above them, every system with its waiting deliveries and an operator's pause,
 * paused (a reason) or resumed here (POST /v1/systems/{system}/pause and …/resume, docs/adr/0040).
 * The API keeps listing a dead letter once a fix or replay settled it (with its new state): the
 * list shows the waiting ones first and every state as a badge (dead-letter-view.ts).
 */
import { Router } from 'express';
import { html } from '../../web/html.ts';
import { formatDateTime } from '../../web/i18n.ts';
import { ApiProblem, ok } from '../api.ts';
import { statusBadge, table, textarea } from '../components.ts';
import { csrfField, field, gateway, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { components } from '../../gateway/generated/api.ts';
import type { MessageKey } from '../messages.ts';
import type { Sessions } from '../session.ts';
import { errorMessage, isWaiting, shortened, waitingFirst } from './dead-letter-view.ts';

type DeadLetter = components['schemas']['DeadLetter'];

/** The state as a badge; `data-event` and `data-status` on its box say which letter and state (tests, scripts). */
const stateBadge = (ctx: Context, d: DeadLetter) =>
  html`<div data-event="${d.eventId ?? ''}" data-status="${d.status}">
    ${statusBadge(d.status, ctx.t(`status_${d.status}` as MessageKey))}
  </div>`;

/** The code once and the message shortened; whole in a disclosure when the letter has no page of its own to show it. */
function errorCell(d: DeadLetter, hasOwnPage: boolean) {
  const message = errorMessage(d.code, d.error);
  const short = shortened(message);
  const text =
    short === message || hasOwnPage
      ? short
      : html`<details>
          <summary>${short}</summary>
          ${message}
        </details>`;
  return html`<code>${d.code}</code><br />${text}`;
}

function replayForm(ctx: Context, system: string, eventId: string, kind: string) {
  return html`<form method="post" action="/dead-letters/${system}/replay">
    ${csrfField(ctx)}<input type="hidden" name="eventId" value="${eventId}" /><input type="hidden" name="kind" value="${kind}" />
    <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">${ctx.t('deadLetterReplay', { system })}</button>
  </form>`;
}

/** One dead letter: what failed, the data the system received (editable), and the three ways out. */
async function inspectPage(ctx: Context, system: string, eventId: string) {
  const inspected = ok(await gateway(ctx).GET('/v1/systems/{system}/dead-letters/{eventId}', { params: { path: { system, eventId } } }));
  const d = inspected.deadLetter;
  const base = `/dead-letters/${system}/${eventId}`;
  render(
    ctx,
    ctx.t('deadLetterTitle'),
    html`<h1>${ctx.t('deadLetterTitle')}</h1>
      <dl class="fr-mb-3w">
        <dt>${ctx.t('deadLetterSystem')}</dt>
        <dd>${system}</dd>
        <dt>${ctx.t('deadLetterEvent')}</dt>
        <dd><code>${d.type ?? ''}</code> ${eventId}</dd>
        <dt>${ctx.t('deadLetterError')}</dt>
        <dd><code>${d.code}</code> ${errorMessage(d.code, d.error)}</dd>
        <dt>${ctx.t('deadLetterFailedAt')}</dt>
        <dd>${d.failedAt ? formatDateTime(ctx.lang, d.failedAt) : ''} (${ctx.t('deadLetterAttempts', { count: d.attempts })})</dd>
        <dt>${ctx.t('deadLetterState')}</dt>
        <dd>${stateBadge(ctx, d)}</dd>
      </dl>
      <section aria-labelledby="fix-title">
        <h2 id="fix-title">${ctx.t('deadLetterFixTitle')}</h2>
        <form method="post" action="${base}/fix">
          ${csrfField(ctx)}
          <div class="fr-input-group">
            <label class="fr-label" for="data"
              >${ctx.t('deadLetterData')}<span class="fr-hint-text">${ctx.t('deadLetterDataHint')}</span></label
            >
            <textarea class="fr-input" id="data" name="data" rows="14" spellcheck="false">
${JSON.stringify(inspected.data, null, 2)}</textarea>
          </div>
          <button class="fr-btn" type="submit">${ctx.t('deadLetterFix', { system })}</button>
        </form>
      </section>
      <div class="fr-grid-row fr-grid-row--gutters fr-mt-3w">
        <section class="fr-col-12 fr-col-md-6" aria-labelledby="replay-title">
          <h2 id="replay-title">${ctx.t('deadLetterReplayTitle')}</h2>
          ${replayForm(ctx, system, eventId, 'delivery')}
        </section>
        <section class="fr-col-12 fr-col-md-6" aria-labelledby="discard-title">
          <h2 id="discard-title">${ctx.t('deadLetterDiscardTitle')}</h2>
          <form method="post" action="${base}/discard">
            ${csrfField(ctx)} ${textarea('reason', ctx.t('deadLetterReason'), ctx.t('deadLetterReasonHint'))}
            <button class="fr-btn fr-btn--tertiary" type="submit">${ctx.t('deadLetterDiscard')}</button>
          </form>
        </section>
      </div>
      <p class="fr-mt-3w"><a href="/dead-letters">${ctx.t('deadLettersBack')}</a></p>`,
    'dead-letters',
  );
}

/** The data the operator typed, as a JSON object; a 422 problem naming /data when it is not one. */
function correctedData(ctx: Context): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(field(ctx, 'data'));
  } catch {
    data = undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ApiProblem(422, {
      detail: ctx.t('deadLetterDataInvalid'),
      errors: [{ field: '/data', message: ctx.t('deadLetterDataInvalid') }],
    });
  return data as Record<string, unknown>;
}

type SystemView = components['schemas']['Systems']['systems'][number];

/** Pause (with a reason) or resume one system's deliveries. */
function pauseForm(ctx: Context, s: SystemView) {
  if (s.pause)
    return html`<form method="post" action="/systems/${s.name}/resume">
      ${csrfField(ctx)}<button class="fr-btn fr-btn--sm" type="submit">${ctx.t('systemResume', { system: s.name })}</button>
    </form>`;
  return html`<form method="post" action="/systems/${s.name}/pause">
    ${csrfField(ctx)}
    <div class="fr-input-group">
      <label class="fr-label" for="pause-reason-${s.name}">${ctx.t('systemPauseReason', { system: s.name })}</label>
      <input class="fr-input" id="pause-reason-${s.name}" name="reason" required minlength="3" maxlength="500" />
    </div>
    <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">${ctx.t('systemPause', { system: s.name })}</button>
  </form>`;
}

function systemsSection(ctx: Context, systems: SystemView[]) {
  return html`<section aria-labelledby="systems-title">
    <h2 id="systems-title">${ctx.t('systemsTitle')}</h2>
    <p>${ctx.t('systemsIntro')}</p>
    ${table(
      // Not the section's name: one name per landmark.
      `${ctx.t('systemsTitle')} — ${ctx.t('systemState')}`,
      [ctx.t('systemName'), ctx.t('systemLag'), ctx.t('systemState'), ctx.t('systemAction')],
      systems.map((s) => [
        s.name,
        s.lag === null ? '—' : String(s.lag),
        html`<span data-system="${s.name}" data-paused="${s.pause ? 'true' : 'false'}"
          >${
            s.pause
              ? ctx.t('systemPaused', { since: formatDateTime(ctx.lang, s.pause.since), by: s.pause.by, reason: s.pause.reason })
              : ctx.t('systemRunning')
          }</span
        >`,
        pauseForm(ctx, s),
      ]),
    )}
  </section>`;
}

function letterRow(ctx: Context, system: string, d: DeadLetter) {
  const actionable = d.eventId && d.status === 'dead_lettered' ? d.eventId : undefined;
  return [
    html`<code>${d.type ?? ''}</code><br />${d.eventId ?? ''}`,
    errorCell(d, Boolean(actionable) && d.kind === 'delivery'),
    d.failedAt ? formatDateTime(ctx.lang, d.failedAt) : '',
    stateBadge(ctx, d),
    actionable
      ? d.kind === 'delivery'
        ? html`<a class="fr-link" href="/dead-letters/${system}/${actionable}">${ctx.t('deadLetterInspect')}</a>`
        : replayForm(ctx, system, actionable, d.kind)
      : '',
  ];
}

/** One system's dead letters: how many wait for an operator, then those first, the settled ones after. */
function systemLetters(ctx: Context, list: components['schemas']['DeadLetters']) {
  const waiting = list.deadLetters.filter(isWaiting).length;
  return html`<section aria-labelledby="dl-${list.system}">
    <h2 id="dl-${list.system}">${list.system}</h2>
    <p>${ctx.t(waiting === 0 ? 'deadLettersAllSettled' : 'deadLettersCount', { waiting, settled: list.deadLetters.length - waiting })}</p>
    ${table(
      // Not the system's name alone: the section around it is already named so (one name per landmark).
      `${ctx.t('deadLettersTitle')} — ${list.system}`,
      [
        ctx.t('deadLetterEvent'),
        ctx.t('deadLetterError'),
        ctx.t('deadLetterFailedAt'),
        ctx.t('deadLetterState'),
        ctx.t('deadLetterAction'),
      ],
      waitingFirst(list.deadLetters).map((d) => letterRow(ctx, list.system, d)),
    )}
  </section>`;
}

async function deadLettersPage(ctx: Context) {
  const api = gateway(ctx);
  const systems = ok(await api.GET('/v1/systems'));
  const lists = await Promise.all(
    systems.systems.map((s) => api.GET('/v1/systems/{system}/dead-letters', { params: { path: { system: s.name } } }).then(ok)),
  );
  const withLetters = lists.filter((l) => l.deadLetters.length > 0);
  const sections = withLetters.map((list) => systemLetters(ctx, list));
  render(
    ctx,
    ctx.t('deadLettersTitle'),
    html`<h1>${ctx.t('deadLettersTitle')}</h1>
      ${systemsSection(ctx, systems.systems)}
      <p>${ctx.t('deadLettersIntro')}</p>
      ${sections.length ? sections : html`<p>${ctx.t('deadLettersNone')}</p>`}`,
    'dead-letters',
  );
}

export function operationsScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get('/dead-letters', screen(sessions, options, deadLettersPage));
  for (const action of ['pause', 'resume'] as const)
    router.post(
      `/systems/:system/${action}`,
      screen(sessions, options, async (ctx) => {
        const system = String(ctx.req.params['system']);
        const params = { path: { system } };
        if (action === 'pause')
          ok(await gateway(ctx).POST('/v1/systems/{system}/pause', { params, body: { reason: field(ctx, 'reason') } }));
        else ok(await gateway(ctx).POST('/v1/systems/{system}/resume', { params }));
        ctx.session.flash = { kind: 'success', text: ctx.t(action === 'pause' ? 'systemPausedDone' : 'systemResumedDone', { system }) };
        ctx.res.redirect(303, '/dead-letters');
      }),
    );
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
  router.get(
    '/dead-letters/:system/:eventId',
    screen(sessions, options, (ctx) => inspectPage(ctx, String(ctx.req.params['system']), String(ctx.req.params['eventId']))),
  );
  router.post(
    '/dead-letters/:system/:eventId/fix',
    screen(sessions, options, async (ctx) => {
      const path = { system: String(ctx.req.params['system']), eventId: String(ctx.req.params['eventId']) };
      const result = ok(
        await gateway(ctx).POST('/v1/systems/{system}/dead-letters/{eventId}/fix', {
          params: { path },
          body: { data: correctedData(ctx) },
        }),
      );
      ctx.session.flash = { kind: 'success', text: ctx.t('deadLetterFixed', { fields: result.fields.join(', ') || '—' }) };
      ctx.res.redirect(303, '/dead-letters');
    }),
  );
  router.post(
    '/dead-letters/:system/:eventId/discard',
    screen(sessions, options, async (ctx) => {
      const system = String(ctx.req.params['system']);
      const body = { eventIds: [String(ctx.req.params['eventId'])], reason: field(ctx, 'reason') };
      const result = ok(await gateway(ctx).POST('/v1/systems/{system}/dead-letters/discard', { params: { path: { system } }, body }));
      ctx.session.flash = { kind: 'success', text: ctx.t('deadLetterDiscarded', { count: result.discarded.length }) };
      ctx.res.redirect(303, '/dead-letters');
    }),
  );
  return router;
}

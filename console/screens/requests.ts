/**
 * The requests workspace (docs/adr/0035): the service requests citizens reported, filtered by
 * category, commune, status and age, each age against its category's target; one page per
 * request with its whole trace (the service's status updates, the agents' assignments, notes
 * and answers, and whether the answer's email reached the citizen), where the agent assigns it,
 * notes on it and answers the citizen.
 * Calls: GET /v1/service-requests, GET /v1/service-requests/{id}/trace, POST …/assignment,
 * POST …/notes, POST …/answer.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { html } from '../../web/html.ts';
import { formatDateTime, formatNumber } from '../../web/i18n.ts';
import { ok, type Schemas } from '../api.ts';
import { input, select, statusBadge, table, textarea } from '../components.ts';
import { csrfField, field, gateway, queryParam, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { MessageKey } from '../messages.ts';
import type { Sessions } from '../session.ts';

const STATUSES = [
  'submitted',
  'acknowledged',
  'scheduled',
  'in-progress',
  'on-hold',
  'reassigned',
  'resolved',
  'rejected',
  'duplicate',
  'withdrawn',
];
// The most frequent answer first: the one a keyboard user gets without choosing.
const ANSWERS = ['resolved', 'in-progress', 'scheduled', 'on-hold', 'rejected'] as const;

const requestStatus = (ctx: Context, status: string) => ctx.t(`request_${status}` as MessageKey);
const hours = (ctx: Context, value: number) => ctx.t('requestHours', { hours: formatNumber(ctx.lang, value) });

/** The age against the target, with a badge when the request is overdue. */
function age(ctx: Context, r: { ageHours: number; targetHours: number; overdue: boolean }) {
  return html`${ctx.t('requestAgeOfTarget', { age: hours(ctx, r.ageHours), target: hours(ctx, r.targetHours) })}
  ${r.overdue ? html`<p class="fr-badge fr-badge--sm fr-badge--warning" data-overdue="true">${ctx.t('requestOverdue')}</p>` : ''}`;
}

function filters(ctx: Context) {
  const status = queryParam(ctx, 'status') || 'open';
  return html`<form method="get" action="/requests" class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
    <div class="fr-col-12 fr-col-md-3">
      ${input('category', ctx.t('requestCategory'), { value: queryParam(ctx, 'category'), hint: 'waste.missed-collection' })}
    </div>
    <div class="fr-col-12 fr-col-md-3">
      ${input('commune', ctx.t('requestCommune'), { value: queryParam(ctx, 'commune'), hint: ctx.t('requestCommuneHint'), pattern: '[0-9][0-9AB][0-9]{3}' })}
    </div>
    <div class="fr-col-12 fr-col-md-3">
      ${select('status', ctx.t('requestStatus'), [
        { value: 'open', label: ctx.t('requestOpen'), selected: status === 'open' },
        { value: 'closed', label: ctx.t('requestClosed'), selected: status === 'closed' },
        ...STATUSES.map((s) => ({ value: s, label: requestStatus(ctx, s), selected: status === s })),
      ])}
    </div>
    <div class="fr-col-12 fr-col-md-3">
      ${input('olderThanHours', ctx.t('requestOlderThan'), { value: queryParam(ctx, 'olderThanHours'), type: 'number', inputmode: 'numeric' })}
    </div>
    <div class="fr-col-12"><button class="fr-btn" type="submit">${ctx.t('requestFilter')}</button></div>
  </form>`;
}

async function listPage(ctx: Context) {
  const query = {
    status: queryParam(ctx, 'status') || 'open',
    ...(queryParam(ctx, 'category') ? { category: queryParam(ctx, 'category') } : {}),
    ...(queryParam(ctx, 'commune') ? { commune: queryParam(ctx, 'commune') } : {}),
    ...(queryParam(ctx, 'olderThanHours') ? { olderThanHours: Number(queryParam(ctx, 'olderThanHours')) } : {}),
  };
  const { requests } = ok(await gateway(ctx).GET('/v1/service-requests', { params: { query } }));
  const rows = requests.map((r) => [
    html`<a href="/requests/${r.id}">${formatDateTime(ctx.lang, r.submittedAt)}</a>`,
    html`<code>${r.category}</code>`,
    r.commune ?? '',
    r.competentService,
    requestStatus(ctx, r.status),
    age(ctx, r),
  ]);
  render(
    ctx,
    ctx.t('requestsWorkspaceTitle'),
    html`<h1>${ctx.t('requestsWorkspaceTitle')}</h1>
      <p>${ctx.t('requestsWorkspaceIntro')}</p>
      ${filters(ctx)}
      <h2 id="requests-list">${ctx.t('requestsFound', { count: requests.length })}</h2>
      ${
        requests.length === 0
          ? html`<p>${ctx.t('requestsEmpty')}</p>`
          : table(
              ctx.t('requestsFound', { count: requests.length }),
              [
                ctx.t('requestSubmitted'),
                ctx.t('requestCategory'),
                ctx.t('requestCommune'),
                ctx.t('requestService'),
                ctx.t('requestStatus'),
                ctx.t('requestAge'),
              ],
              rows,
            )
      }`,
    'requests',
  );
}

/** The service's status updates and the agents' actions, oldest first, as one trace. */
function traceRows(ctx: Context, trace: Schemas['ServiceRequestTrace']) {
  const history = trace.request.history.map((h) => ({
    at: h.at,
    cells: [requestStatus(ctx, h.status), h.system ?? '', h.comment ?? '', ''],
  }));
  const actions = trace.actions.map((a) => ({
    at: a.at,
    cells: [
      ctx.t(`action_${a.kind}` as MessageKey) + (a.service ? ` → ${a.service}` : ''),
      a.agent,
      a.note ?? '',
      html`${(a.delivery ?? []).map((d) => html`${d.system} ${statusBadge(d.status, ctx.t(`status_${d.status}` as MessageKey))}`)}`,
    ],
  }));
  return [...history, ...actions].sort((x, y) => x.at.localeCompare(y.at)).map((e) => [formatDateTime(ctx.lang, e.at), ...e.cells]);
}

function actionForms(ctx: Context, trace: Schemas['ServiceRequestTrace']) {
  const id = trace.request.id;
  return html`<section class="fr-col-12 fr-col-lg-4" aria-labelledby="assign-title">
      <h2 id="assign-title">${ctx.t('assignTitle')}</h2>
      <form method="post" action="/requests/${id}/assign">
        ${csrfField(ctx)}
        ${select(
          'service',
          ctx.t('requestService'),
          trace.services.map((s) => ({ value: s, label: s, selected: s === trace.request.competentService })),
        )}
        ${textarea('assignComment', ctx.t('assignComment'), ctx.t('assignCommentHint'))}
        <button class="fr-btn" type="submit">${ctx.t('assignSubmit')}</button>
      </form>
    </section>
    <section class="fr-col-12 fr-col-lg-4" aria-labelledby="note-title">
      <h2 id="note-title">${ctx.t('noteTitle')}</h2>
      <form method="post" action="/requests/${id}/note">
        ${csrfField(ctx)} ${textarea('note', ctx.t('noteText'), ctx.t('noteHint'))}
        <button class="fr-btn fr-btn--secondary" type="submit">${ctx.t('noteSubmit')}</button>
      </form>
    </section>
    <section class="fr-col-12 fr-col-lg-4" aria-labelledby="answer-title">
      <h2 id="answer-title">${ctx.t('answerTitle')}</h2>
      <form method="post" action="/requests/${id}/answer">
        ${csrfField(ctx)}<input type="hidden" name="idempotencyKey" value="${randomUUID()}" />
        ${select(
          'answerStatus',
          ctx.t('answerStatus'),
          ANSWERS.map((s) => ({ value: s, label: requestStatus(ctx, s) })),
        )}
        ${textarea('message', ctx.t('answerMessage'), ctx.t('answerMessageHint'))}
        <button class="fr-btn" type="submit">${ctx.t('answerSubmit')}</button>
      </form>
    </section>`;
}

async function tracePage(ctx: Context, id: string) {
  const trace = ok(await gateway(ctx).GET('/v1/service-requests/{id}/trace', { params: { path: { id } } }));
  const r = trace.request;
  const closed = ['resolved', 'rejected', 'duplicate', 'withdrawn'].includes(r.status);
  render(
    ctx,
    ctx.t('requestTitle'),
    html`<h1>${ctx.t('requestTitle')}</h1>
      <dl class="fr-mb-3w">
        <dt>${ctx.t('requestCategory')}</dt>
        <dd><code>${r.category}</code></dd>
        <dt>${ctx.t('requestCommune')}</dt>
        <dd>${trace.commune ?? '—'}</dd>
        <dt>${ctx.t('requestSubmitted')}</dt>
        <dd>${formatDateTime(ctx.lang, r.submittedAt)} (${ctx.t(`channel_${r.channel}` as MessageKey)})</dd>
        <dt>${ctx.t('requestService')}</dt>
        <dd id="competent-service">${r.competentService}</dd>
        <dt>${ctx.t('requestStatus')}</dt>
        <dd><strong id="request-status" data-status="${r.status}">${requestStatus(ctx, r.status)}</strong></dd>
        <dt>${ctx.t('requestAge')}</dt>
        <dd>${age(ctx, trace)}</dd>
        ${
          r.description
            ? html`<dt>${ctx.t('requestDescription')}</dt>
                <dd>${r.description}</dd>`
            : ''
        }
      </dl>
      <p><a href="/citizens/${r.pivotId}">${ctx.t('requestCitizenLink')}</a></p>
      ${closed ? html`<p>${ctx.t('requestIsClosed')}</p>` : html`<div class="fr-grid-row fr-grid-row--gutters">${actionForms(ctx, trace)}</div>`}
      <h2 id="trace-title">${ctx.t('traceTitle')}</h2>
      ${table(
        ctx.t('traceTitle'),
        [ctx.t('timelineAt'), ctx.t('traceWhat'), ctx.t('traceWho'), ctx.t('traceNote'), ctx.t('traceDelivery')],
        traceRows(ctx, trace),
      )}
      <p><a href="/requests">${ctx.t('requestsBack')}</a></p>`,
    'requests',
  );
}

export function requestsScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get('/requests', screen(sessions, options, listPage));
  router.get(
    '/requests/:id',
    screen(sessions, options, (ctx) => tracePage(ctx, String(ctx.req.params['id']))),
  );
  const act = (path: string, send: (ctx: Context, id: string) => Promise<unknown>, done: MessageKey) =>
    router.post(
      `/requests/:id/${path}`,
      screen(sessions, options, async (ctx) => {
        const id = String(ctx.req.params['id']);
        await send(ctx, id);
        ctx.session.flash = { kind: 'success', text: ctx.t(done) };
        ctx.res.redirect(303, `/requests/${id}`);
      }),
    );
  const params = (id: string) => ({ params: { path: { id } } });
  act(
    'assign',
    async (ctx, id) => {
      const comment = field(ctx, 'assignComment');
      return ok(
        await gateway(ctx).POST('/v1/service-requests/{id}/assignment', {
          ...params(id),
          body: { service: field(ctx, 'service'), ...(comment ? { comment } : {}) },
        }),
      );
    },
    'assignDone',
  );
  act(
    'note',
    async (ctx, id) =>
      ok(await gateway(ctx).POST('/v1/service-requests/{id}/notes', { ...params(id), body: { note: field(ctx, 'note') } })),
    'noteDone',
  );
  act(
    'answer',
    async (ctx, id) =>
      ok(
        await gateway(ctx).POST('/v1/service-requests/{id}/answer', {
          ...params(id),
          // A form posted twice (a double click, a reload) is one answer, one email.
          headers: { 'idempotency-key': field(ctx, 'idempotencyKey') || randomUUID() },
          body: { status: field(ctx, 'answerStatus') as (typeof ANSWERS)[number], message: field(ctx, 'message') },
        }),
      ),
    'answerDone',
  );
  return router;
}

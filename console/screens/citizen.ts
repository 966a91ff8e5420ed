/**
 * A citizen's whole context at a desk, once found (search.ts): one page with the systems holding
 * a file and the last change each applied, the open requests, the timeline across channels, and
 * the form to log a contact.
 * Calls: GET /v1/citizens/{pivotId}, GET …/timeline, POST …/interactions.
 */
import { Router } from 'express';
import { html } from '../../web/html.ts';
import { formatDateTime } from '../../web/i18n.ts';
import { ok, type Schemas } from '../api.ts';
import { input, select, statusBadge, table, textarea } from '../components.ts';
import { csrfField, field, gateway, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { MessageKey } from '../messages.ts';
import type { Sessions } from '../session.ts';

const CHANNELS = ['phone', 'desk', 'mail', 'email', 'web', 'mobile'] as const;
const CLOSED = new Set(['resolved', 'rejected', 'duplicate', 'withdrawn']);

const statusLabel = (ctx: Context, status: string) => ctx.t(`status_${status}` as MessageKey);
const channelLabel = (ctx: Context, channel: string) => ctx.t(`channel_${channel}` as MessageKey);

function timelineRows(ctx: Context, entries: Schemas['TimelineEntry'][]) {
  return entries.map((e) => [
    formatDateTime(ctx.lang, e.at),
    e.channel ? channelLabel(ctx, e.channel) : (e.origin ?? ''),
    html`${ctx.t(`kind_${e.kind}` as MessageKey)} — ${e.kind === 'interaction' ? (e.subject ?? '') : html`<code>${e.type}</code>`}`,
    e.system ?? '',
    e.status ? statusBadge(e.status, statusLabel(ctx, e.status)) : (e.requestStatus ?? ''),
  ]);
}

/** The requests whose latest status is not a closed one. */
function openRequests(entries: Schemas['TimelineEntry'][]) {
  const latest = new Map<string, Schemas['TimelineEntry']>();
  for (const e of entries) if (e.kind === 'service_request' && !latest.has(e.changeId)) latest.set(e.changeId, e);
  return [...latest.values()].filter((e) => !CLOSED.has(e.requestStatus ?? 'submitted'));
}

async function citizenPage(ctx: Context, pivotId: string) {
  const api = gateway(ctx);
  const params = { params: { path: { pivotId } } };
  const [citizen, timeline] = await Promise.all([
    api.GET('/v1/citizens/{pivotId}', params).then(ok),
    api.GET('/v1/citizens/{pivotId}/timeline', params).then(ok),
  ]);
  const requests = openRequests(timeline.entries);
  const main = html`<h1>${ctx.t('citizenTitle')}</h1>
    <p>${ctx.t('citizenPivot', { pivotId: citizen.pivotId })}</p>
    <p><a class="fr-btn fr-btn--secondary" href="/citizens/${citizen.pivotId}/changes/new">${ctx.t('declareLink')}</a></p>
    <div class="fr-grid-row fr-grid-row--gutters">
      <div class="fr-col-12 fr-col-lg-7">
        <h2 id="files-title">${ctx.t('filesTitle')}</h2>
        ${table(
          ctx.t('filesTitle'),
          [ctx.t('filesSystem'), ctx.t('filesIdentifier'), ctx.t('filesLastApplied')],
          citizen.files.map((f) => [
            f.system,
            f.identifier,
            f.lastApplied
              ? html`<a href="/changes/${f.lastApplied.changeId}">${formatDateTime(ctx.lang, f.lastApplied.at)}</a>`
              : ctx.t('filesNone'),
          ]),
        )}
        <h2>${ctx.t('requestsTitle')}</h2>
        ${
          requests.length === 0
            ? html`<p>${ctx.t('requestsNone')}</p>`
            : html`<ul>
                ${requests.map((r) => html`<li><code>${r.type}</code> — ${r.requestStatus ?? ''} (${formatDateTime(ctx.lang, r.at)})</li>`)}
              </ul>`
        }
      </div>
      <section class="fr-col-12 fr-col-lg-5" aria-labelledby="contact-title">
        <h2 id="contact-title">${ctx.t('contactTitle')}</h2>
        <form method="post" action="/citizens/${citizen.pivotId}/interactions">
          ${csrfField(ctx)}
          ${select(
            'channel',
            ctx.t('contactChannel'),
            CHANNELS.map((c) => ({ value: c, label: channelLabel(ctx, c) })),
          )}
          ${input('subject', ctx.t('contactSubject'), { required: true })}
          ${textarea('note', ctx.t('contactNote'), ctx.t('contactNoteHint'))}
          <button class="fr-btn" type="submit">${ctx.t('contactSubmit')}</button>
        </form>
      </section>
    </div>
    <div>
      <h2 id="timeline-title">${ctx.t('timelineTitle')}</h2>
      ${
        timeline.entries.length === 0
          ? html`<p>${ctx.t('timelineNone')}</p>`
          : table(
              ctx.t('timelineTitle'),
              [ctx.t('timelineAt'), ctx.t('timelineChannel'), ctx.t('timelineWhat'), ctx.t('timelineSystem'), ctx.t('timelineStatus')],
              timelineRows(ctx, timeline.entries),
            )
      }
    </div>`;
  render(ctx, ctx.t('citizenTitle'), main, 'search');
}

export function citizenScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get(
    '/citizens/:pivotId',
    screen(sessions, options, (ctx) => citizenPage(ctx, String(ctx.req.params['pivotId']))),
  );

  router.post(
    '/citizens/:pivotId/interactions',
    screen(sessions, options, async (ctx) => {
      const pivotId = String(ctx.req.params['pivotId']);
      const note = field(ctx, 'note');
      ok(
        await gateway(ctx).POST('/v1/citizens/{pivotId}/interactions', {
          params: { path: { pivotId } },
          body: {
            channel: field(ctx, 'channel') as Schemas['Channel'],
            subject: field(ctx, 'subject'),
            ...(note ? { note } : {}),
          },
        }),
      );
      ctx.session.flash = { kind: 'success', text: ctx.t('contactLogged') };
      ctx.res.redirect(303, `/citizens/${pivotId}`);
    }),
  );
  return router;
}

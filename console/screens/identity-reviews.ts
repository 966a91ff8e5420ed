/**
 * Identity reviews: the changes held because the civil data they gave matched several people in
 * the register (docs/adr/0009). One page per review puts the civil data the change gave beside
 * each candidate, criterion by criterion, with how each compared and the candidate's score; the
 * agent chooses a person (the change is released once) or rejects it with a reason.
 * Calls: GET /v1/identity-reviews, GET /v1/identity-reviews/{id}, POST …/{id}/decision.
 */
import { Router } from 'express';
import { html, type Html } from '../../web/html.ts';
import { formatDateTime, formatNumber } from '../../web/i18n.ts';
import { ok, type Schemas } from '../api.ts';
import { table, textarea } from '../components.ts';
import { csrfField, field, gateway, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { MessageKey } from '../messages.ts';
import type { Sessions } from '../session.ts';

const CRITERIA = ['birthName', 'givenNames', 'dateOfBirth', 'placeOfBirth'] as const;
type Civil = Schemas['CivilIdentity'];

function valueOf(civil: Civil, criterion: (typeof CRITERIA)[number]): string {
  switch (criterion) {
    case 'givenNames':
      return civil.givenNames.join(' ');
    case 'placeOfBirth':
      return [civil.placeOfBirth.communeName, civil.placeOfBirth.communeInsee, civil.placeOfBirth.country].filter(Boolean).join(', ');
    default:
      return civil[criterion];
  }
}

/** A candidate's value, with whether and how it matched the change's. */
function compared(ctx: Context, candidate: Schemas['IdentityCandidate'], criterion: (typeof CRITERIA)[number]): Html {
  const how = candidate.criteria?.find((c) => c.criterion === criterion);
  const matched = candidate.matched.includes(criterion);
  return html`${valueOf(candidate.identity, criterion)}
    <p class="fr-badge fr-badge--sm fr-badge--${matched ? 'success' : 'warning'}" data-matched="${String(matched)}">
      ${matched ? ctx.t('reviewMatched') : ctx.t('reviewDifferent')}${how ? html` (${ctx.t(`how_${how.how}` as MessageKey)})` : ''}
    </p>`;
}

async function listPage(ctx: Context) {
  const { reviews } = ok(await gateway(ctx).GET('/v1/identity-reviews', {}));
  render(
    ctx,
    ctx.t('reviewsTitle'),
    html`<h1>${ctx.t('reviewsTitle')}</h1>
      <p>${ctx.t('reviewsIntro')}</p>
      ${
        reviews.length === 0
          ? html`<p>${ctx.t('reviewsNone')}</p>`
          : table(
              ctx.t('reviewsTitle'),
              [ctx.t('reviewCreated'), ctx.t('reviewChange'), ctx.t('reviewCandidates')],
              reviews.map((r) => [
                html`<a href="/identity-reviews/${r.id}">${formatDateTime(ctx.lang, r.createdAt)}</a>`,
                html`<code>${r.type}</code>`,
                String(r.candidates?.length ?? 0),
              ]),
            )
      }`,
    'reviews',
  );
}

async function reviewPage(ctx: Context, id: string) {
  const review = ok(await gateway(ctx).GET('/v1/identity-reviews/{id}', { params: { path: { id } } }));
  const candidates = review.candidates ?? [];
  const civil = review.civil;
  const rows = CRITERIA.map((criterion) => [
    html`<strong>${ctx.t(`criterion_${criterion}` as MessageKey)}</strong>`,
    civil ? valueOf(civil, criterion) : '',
    ...candidates.map((c) => compared(ctx, c, criterion)),
  ]);
  rows.push([
    html`<strong>${ctx.t('reviewScore')}</strong>`,
    '',
    ...candidates.map((c) => (c.score === undefined ? '' : formatNumber(ctx.lang, c.score))),
  ]);
  rows.push([
    '',
    '',
    ...candidates.map(
      (c) =>
        html`<form method="post" action="/identity-reviews/${id}/match">
          ${csrfField(ctx)}<input type="hidden" name="registerId" value="${c.registerId}" />
          <button class="fr-btn fr-btn--sm" type="submit">${ctx.t('reviewChoose', { registerId: c.registerId })}</button>
        </form>`,
    ),
  ]);
  render(
    ctx,
    ctx.t('reviewTitle'),
    html`<h1>${ctx.t('reviewTitle')}</h1>
      <p>${ctx.t('reviewIntro', { type: review.type, at: formatDateTime(ctx.lang, review.createdAt) })}</p>
      ${
        review.status !== 'pending'
          ? html`<p>${ctx.t('reviewDecided', { status: review.status, by: review.decidedBy ?? '' })}</p>`
          : html`<h2 id="side-by-side">${ctx.t('reviewSideBySide')}</h2>
              ${table(
                ctx.t('reviewSideBySide'),
                [ctx.t('reviewCriterion'), ctx.t('reviewGiven'), ...candidates.map((c) => c.registerId)],
                rows,
              )}
              <section aria-labelledby="reject-title" class="fr-mt-3w">
                <h2 id="reject-title">${ctx.t('reviewRejectTitle')}</h2>
                <form method="post" action="/identity-reviews/${id}/reject">
                  ${csrfField(ctx)} ${textarea('reason', ctx.t('reviewReason'), ctx.t('reviewReasonHint'))}
                  <button class="fr-btn fr-btn--secondary" type="submit">${ctx.t('reviewReject')}</button>
                </form>
              </section>`
      }
      <p class="fr-mt-3w"><a href="/identity-reviews">${ctx.t('reviewsBack')}</a></p>`,
    'reviews',
  );
}

export function identityReviewScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get('/identity-reviews', screen(sessions, options, listPage));
  router.get(
    '/identity-reviews/:id',
    screen(sessions, options, (ctx) => reviewPage(ctx, String(ctx.req.params['id']))),
  );
  const decide = (path: string, body: (ctx: Context) => Schemas['IdentityDecision']) =>
    router.post(
      `/identity-reviews/:id/${path}`,
      screen(sessions, options, async (ctx) => {
        const id = String(ctx.req.params['id']);
        const decided = ok(await gateway(ctx).POST('/v1/identity-reviews/{id}/decision', { params: { path: { id } }, body: body(ctx) }));
        ctx.session.flash = { kind: 'success', text: ctx.t('reviewDone', { status: decided.review.status }) };
        ctx.res.redirect(303, `/changes/${decided.review.changeId}`);
      }),
    );
  decide('match', (ctx) => ({ decision: 'match', registerId: field(ctx, 'registerId'), redrive: true }));
  decide('reject', (ctx) => ({ decision: 'reject', reason: field(ctx, 'reason') }));
  return router;
}

/**
 * Finding a citizen at a desk: the home page (the search once logged in) with two forms, by
 * identifier (a pivot id, or an identifier in any system: straight to the citizen's page) and by
 * civil data (civil-search.ts: a list of candidates, never a link). Both state the purpose of the
 * lookup, kept in the session and sent to the gateway on every read (Relais-Purpose).
 * Calls: GET /v1/citizens?pivotId= or ?system=&identifier= (GET /search), and
 * GET /v1/citizens?birthName=&givenNames=&dateOfBirth=[&placeOfBirth=] (GET /search/civil).
 */
import { Router } from 'express';
import { html } from '../../web/html.ts';
import { ok } from '../api.ts';
import { input, select } from '../components.ts';
import { gateway, queryParam, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { Sessions } from '../session.ts';
import { civilForm, civilQuery, civilResults, civilValues, type CivilValues } from './civil-search.ts';

const PURPOSES = { desk: 'desk-reception', request: 'request-handling' } as const;
const PIVOT = '__pivot';
const NO_CIVIL_VALUES: CivilValues = { birthName: '', givenNames: '', dateOfBirth: '', placeOfBirth: '' };

/** The purpose select of a form; `id` differs per form (ids are unique on a page), the name does not. */
function purposeSelect(ctx: Context, id: string) {
  const purpose = ctx.session.purpose ?? PURPOSES.desk;
  return select(
    id,
    ctx.t('searchPurpose'),
    [
      { value: PURPOSES.desk, label: ctx.t('purposeDesk'), selected: purpose === PURPOSES.desk },
      { value: PURPOSES.request, label: ctx.t('purposeRequest'), selected: purpose === PURPOSES.request },
    ],
    'purpose',
  );
}

/** The purpose a search states becomes the session's, before the gateway client is made with it. */
function statePurpose(ctx: Context): void {
  const purpose = queryParam(ctx, 'purpose');
  if ((Object.values(PURPOSES) as string[]).includes(purpose)) ctx.session.purpose = purpose;
}

const notFoundAlert = (text: string) => html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w" role="status"><p>${text}</p></div>`;

function searchPage(ctx: Context, identifierNotFound = false) {
  return html`<h1>${ctx.t('searchTitle')}</h1>
    <p>${ctx.t('searchIntro')}</p>
    <div class="fr-grid-row fr-grid-row--gutters">
      <section class="fr-col-12 fr-col-lg-6" aria-labelledby="by-identifier">
        <h2 id="by-identifier">${ctx.t('searchByIdentifier')}</h2>
        ${identifierNotFound ? notFoundAlert(ctx.t('searchNone')) : ''}
        <form method="get" action="/search">
          ${purposeSelect(ctx, 'purpose')}
          ${select('system', ctx.t('searchSystem'), [
            { value: PIVOT, label: ctx.t('searchPivot') },
            ...ctx.options.systems.map((s) => ({ value: s, label: s, selected: ctx.req.query['system'] === s })),
          ])}
          ${input('identifier', ctx.t('searchIdentifier'), { required: true, hint: ctx.t('searchIdentifierHint'), value: queryParam(ctx, 'identifier') })}
          <button class="fr-btn" type="submit">${ctx.t('searchSubmit')}</button>
        </form>
      </section>
      <section class="fr-col-12 fr-col-lg-6" aria-labelledby="by-civil-data">
        <h2 id="by-civil-data">${ctx.t('searchByCivilData')}</h2>
        <p>${ctx.t('civilIntro')}</p>
        ${civilForm(ctx, NO_CIVIL_VALUES, purposeSelect(ctx, 'civil-purpose'))}
      </section>
    </div>`;
}

async function civilSearch(ctx: Context) {
  statePurpose(ctx);
  const values = civilValues((name) => queryParam(ctx, name));
  const found = ok(await gateway(ctx).GET('/v1/citizens', { params: { query: civilQuery(values) } })).citizens;
  const form = html`<h2 id="civil-refine">${ctx.t('civilRefine')}</h2>
    ${civilForm(ctx, values, purposeSelect(ctx, 'civil-purpose'))}`;
  const main = html`<h1>${ctx.t('civilResultsTitle')}</h1>
    ${found.length === 0 ? notFoundAlert(ctx.t('civilNone')) : civilResults(ctx, found, values)}
    <section class="fr-col-12 fr-col-md-8" aria-labelledby="civil-refine">${form}</section>`;
  render(ctx, ctx.t('civilResultsTitle'), main, 'search');
}

export function searchScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get(
    '/',
    screen(sessions, options, async (ctx) => {
      if (!ctx.session.login) {
        render(
          ctx,
          ctx.t('homeTitle'),
          html`<h1>${ctx.t('homeTitle')}</h1>
            <p>${ctx.t('homeIntro')}</p>
            <p><a class="fr-btn" href="/login">${ctx.t('login')}</a></p>`,
        );
        return;
      }
      render(ctx, ctx.t('searchTitle'), searchPage(ctx), 'search');
    }),
  );

  router.get(
    '/search',
    screen(sessions, options, async (ctx) => {
      statePurpose(ctx);
      const system = queryParam(ctx, 'system') || PIVOT;
      const identifier = queryParam(ctx, 'identifier');
      const found = ok(
        await gateway(ctx).GET('/v1/citizens', {
          params: { query: system === PIVOT ? { pivotId: identifier } : { system, identifier } },
        }),
      );
      const pivotId = found.citizens[0]?.pivotId;
      if (pivotId) ctx.res.redirect(303, `/citizens/${pivotId}`);
      else render(ctx, ctx.t('searchTitle'), searchPage(ctx, true), 'search', 404);
    }),
  );

  router.get('/search/civil', screen(sessions, options, civilSearch));
  return router;
}

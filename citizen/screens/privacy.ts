/**
 * "Who received my data" (GET /v1/citizens/{pivotId}/disclosures with the citizen's own token):
 * each disclosure — recipient, time, legal basis, purpose, field names, how the change was told
 * — and each read of the citizen's file by someone else; and the citizen's objections
 * (/v1/citizens/{pivotId}/objections): object to a recipient where the route's basis allows it
 * (the gateway says so per disclosure, and refuses otherwise, naming the rule), withdraw it.
 */
import { Router } from 'express';
import { ok, type Schemas } from '../../console/api.ts';
import { table } from '../../console/components.ts';
import type { Sessions } from '../../console/session.ts';
import { html, type Html } from '../../web/html.ts';
import { formatDateTime } from '../../web/i18n.ts';
import { csrfField, gateway, render, screen, type CitizenSpaceOptions, type Context } from '../context.ts';
import { recordedBasis } from '../legal-basis.ts';
import { fieldName, systemName, type MessageKey } from '../messages.ts';

type Disclosure = Schemas['Disclosure'];

function objectionCell(ctx: Context, entry: Disclosure, objected: Set<string>): Html | string {
  const system = entry.system!;
  if (!entry.objectionAllowed) return ctx.t('objectionNotPossible');
  if (objected.has(system)) return html`<p class="fr-badge fr-badge--sm fr-badge--warning">${ctx.t('objected')}</p>`;
  const name = systemName(ctx.lang, system);
  return html`<form method="post" action="/objections/${system}">
    ${csrfField(ctx)}
    <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit" aria-label="${ctx.t('objectLabel', { system: name })}">
      ${ctx.t('object')}
    </button>
  </form>`;
}

function channelOf(ctx: Context, channel: string | undefined): string {
  return channel ? ctx.t(`channel_${channel}` as MessageKey) : '';
}

function deliveries(ctx: Context, entries: Disclosure[], objected: Set<string>): Html {
  if (entries.length === 0) return html`<p>${ctx.t('noDeliveries')}</p>`;
  return table(
    ctx.t('deliveriesTitle'),
    [
      ctx.t('colRecipient'),
      ctx.t('colWhen'),
      ctx.t('colBasis'),
      ctx.t('colPurpose'),
      ctx.t('colFields'),
      ctx.t('colChannel'),
      ctx.t('colObjection'),
    ],
    entries.map((e) => [
      html`<span data-system="${e.system ?? ''}">${systemName(ctx.lang, e.system ?? '')}</span>`,
      formatDateTime(ctx.lang, e.appliedAt ?? e.handedOverAt ?? e.at),
      // Long texts wrap (DSFR cells do not by default): the table then fits a 1280 px screen.
      html`<div class="fr-cell--multiline">${recordedBasis(ctx, e.legalBasis ?? '')}</div>`,
      html`<div class="fr-cell--multiline">${e.purpose ?? ''}</div>`,
      html`<ul class="fr-raw-list">
        ${(e.fields ?? []).map((f) => html`<li>${fieldName(ctx.lang, f)}</li>`)}
      </ul>`,
      channelOf(ctx, e.channel),
      objectionCell(ctx, e, objected),
    ]),
  );
}

function reads(ctx: Context, entries: Disclosure[]): Html {
  if (entries.length === 0) return html`<p>${ctx.t('noReads')}</p>`;
  return table(
    ctx.t('readsTitle'),
    [ctx.t('colReader'), ctx.t('colWhen'), ctx.t('colOperation'), ctx.t('colPurpose')],
    entries.map((e) => [e.reader ?? '', formatDateTime(ctx.lang, e.at), e.operation ?? '', e.purpose ?? '']),
  );
}

function objections(ctx: Context, list: Schemas['Objection'][]): Html {
  if (list.length === 0) return html`<p>${ctx.t('objectionsNone')}</p>`;
  return html`<ul class="fr-raw-list" id="objections">
    ${list.map((o) => {
      const name = systemName(ctx.lang, o.system);
      return html`<li class="fr-mb-2w" data-objection="${o.system}">
        <form method="post" action="/objections/${o.system}/withdraw">
          ${ctx.t('objectionSince', { system: name, at: formatDateTime(ctx.lang, o.declaredAt) })} ${csrfField(ctx)}
          <button
            class="fr-btn fr-btn--sm fr-btn--tertiary fr-ml-2w"
            type="submit"
            aria-label="${ctx.t('withdrawLabel', { system: name })}"
          >
            ${ctx.t('withdraw')}
          </button>
        </form>
      </li>`;
    })}
  </ul>`;
}

export function privacyScreens(sessions: Sessions, options: CitizenSpaceOptions): Router {
  const router = Router();
  router.get(
    '/disclosures',
    screen(sessions, options, async (ctx, pivotId) => {
      const api = gateway(ctx);
      const path = { params: { path: { pivotId } } };
      const [disclosed, objected] = await Promise.all([
        api.GET('/v1/citizens/{pivotId}/disclosures', path).then(ok),
        api.GET('/v1/citizens/{pivotId}/objections', path).then(ok),
      ]);
      const inForce = new Set(objected.objections.map((o) => o.system));
      render(
        ctx,
        ctx.t('disclosuresTitle'),
        html`<h1>${ctx.t('disclosuresTitle')}</h1>
          <p>${ctx.t('disclosuresIntro')}</p>
          <h2 id="deliveries-title">${ctx.t('deliveriesTitle')}</h2>
          ${deliveries(
            ctx,
            disclosed.entries.filter((e) => e.kind === 'delivery'),
            inForce,
          )}
          <h2 id="objections-title">${ctx.t('objectionsTitle')}</h2>
          <p>${ctx.t('objectionsIntro')}</p>
          ${objections(ctx, objected.objections)}
          <h2 id="reads-title">${ctx.t('readsTitle')}</h2>
          ${reads(
            ctx,
            disclosed.entries.filter((e) => e.kind === 'read'),
          )}`,
        'disclosures',
      );
    }),
  );

  router.post(
    '/objections/:system',
    screen(sessions, options, async (ctx, pivotId) => {
      const system = String(ctx.req.params['system']);
      ok(await gateway(ctx).PUT('/v1/citizens/{pivotId}/objections/{system}', { params: { path: { pivotId, system } } }));
      ctx.session.flash = { kind: 'success', text: ctx.t('objectedOk', { system: systemName(ctx.lang, system) }) };
      ctx.res.redirect(303, '/disclosures');
    }),
  );

  router.post(
    '/objections/:system/withdraw',
    screen(sessions, options, async (ctx, pivotId) => {
      const system = String(ctx.req.params['system']);
      const result = await gateway(ctx).DELETE('/v1/citizens/{pivotId}/objections/{system}', { params: { path: { pivotId, system } } });
      if (!result.response.ok) ok(result);
      ctx.session.flash = { kind: 'success', text: ctx.t('withdrawnOk', { system: systemName(ctx.lang, system) }) };
      ctx.res.redirect(303, '/disclosures');
    }),
  );
  return router;
}

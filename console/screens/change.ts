/**
 * Tell us once, at the desk: the agent enters the citizen's new address, sees before sending
 * which systems will receive which fields on which legal basis (POST /v1/changes/preview,
 * computed by the gateway from the flows), sends it (POST /v1/changes), then follows its journey
 * system by system (GET /v1/changes/{id}; live.js refreshes it until every system answered).
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { html } from '../../web/html.ts';
import { formatDateTime } from '../../web/i18n.ts';
import { ok, type Schemas } from '../api.ts';
import { input, statusBadge, table } from '../components.ts';
import { csrfField, field, gateway, render, screen, type ConsoleOptions, type Context } from '../context.ts';
import type { MessageKey } from '../messages.ts';
import type { Sessions } from '../session.ts';

const ADDRESS_FIELDS = [
  ['number', 'addressNumber'],
  ['streetName', 'addressStreet'],
  ['postcode', 'addressPostcode'],
  ['communeName', 'addressCommune'],
  ['communeInsee', 'addressInsee'],
] as const;
const SETTLED = new Set(['applied', 'rejected', 'superseded', 'dead_lettered']);

interface AddressForm {
  number: string;
  streetName: string;
  postcode: string;
  communeName: string;
  communeInsee: string;
  effectiveDate: string;
}

function formOf(ctx: Context): AddressForm {
  return {
    number: field(ctx, 'number'),
    streetName: field(ctx, 'streetName'),
    postcode: field(ctx, 'postcode'),
    communeName: field(ctx, 'communeName'),
    communeInsee: field(ctx, 'communeInsee'),
    effectiveDate: field(ctx, 'effectiveDate'),
  };
}

function changeRequest(pivotId: string, form: AddressForm): Schemas['ChangeRequest'] {
  const { effectiveDate, ...address } = form;
  return {
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { pivotId },
    channel: 'desk',
    // The API document types `data` as an object without properties (one schema per event type, checked by the gateway).
    data: { address: { ...address, country: 'FR' }, effectiveDate } as unknown as Schemas['ChangeRequest']['data'],
  };
}

function addressFields(ctx: Context, form?: AddressForm) {
  return html`${ADDRESS_FIELDS.map(([name, label]) =>
    input(name, ctx.t(label), {
      required: true,
      value: form?.[name] ?? '',
      ...(name === 'postcode' || name === 'communeInsee' ? { pattern: '[0-9AB]{5}', inputmode: 'numeric' } : {}),
      ...(name === 'postcode' ? { autocomplete: 'postal-code' } : {}),
    }),
  )}
  ${input('effectiveDate', ctx.t('effectiveDate'), { type: 'date', required: true, value: form?.effectiveDate ?? new Date().toISOString().slice(0, 10) })}`;
}

function hidden(form: AddressForm) {
  return (Object.entries(form) as [string, string][]).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`);
}

function journey(ctx: Context, change: Schemas['Change']) {
  const settled = change.recipients.every((r) => SETTLED.has(r.status));
  return html`<div data-live data-settled="${settled ? 'true' : 'false'}" id="journey">
    <p class="fr-mb-2w" role="status">${settled ? ctx.t('journeySettled') : ctx.t('journeyPending')}</p>
    ${table(
      ctx.t('journeyTitle'),
      [ctx.t('previewSystem'), ctx.t('journeyStatus'), ctx.t('journeyAt'), ctx.t('journeyReason')],
      change.recipients.map((r) => [
        r.system,
        statusBadge(r.status, ctx.t(`status_${r.status}` as MessageKey)),
        formatDateTime(ctx.lang, r.updatedAt),
        r.reason ?? '',
      ]),
    )}
  </div>`;
}

export function changeScreens(sessions: Sessions, options: ConsoleOptions): Router {
  const router = Router();
  router.get(
    '/citizens/:pivotId/changes/new',
    screen(sessions, options, async (ctx) => {
      gateway(ctx);
      const pivotId = String(ctx.req.params['pivotId']);
      render(
        ctx,
        ctx.t('declareTitle'),
        html`<h1>${ctx.t('declareTitle')}</h1>
          <p>${ctx.t('declareIntro')}</p>
          <form method="post" action="/citizens/${pivotId}/changes/preview" class="fr-col-12 fr-col-md-8">
            ${csrfField(ctx)}${addressFields(ctx)}
            <button class="fr-btn" type="submit">${ctx.t('previewSubmit')}</button>
          </form>
          <p class="fr-mt-3w"><a class="fr-link" href="/citizens/${pivotId}">${ctx.t('backToCitizen')}</a></p>`,
        'search',
      );
    }),
  );

  router.post(
    '/citizens/:pivotId/changes/preview',
    screen(sessions, options, async (ctx) => {
      const pivotId = String(ctx.req.params['pivotId']);
      const form = formOf(ctx);
      const preview = ok(await gateway(ctx).POST('/v1/changes/preview', { body: changeRequest(pivotId, form) }));
      const notConcerned = preview.notConcerned.map((n) => n.system).join(', ');
      render(
        ctx,
        ctx.t('previewTitle'),
        html`<h1>${ctx.t('previewTitle')}</h1>
          ${table(
            ctx.t('previewTitle'),
            [ctx.t('previewSystem'), ctx.t('previewFields'), ctx.t('previewBasis')],
            preview.recipients.map((r) => [
              r.system,
              html`${r.fields.map((f) => html`<code>${f}</code> `)}`,
              html`${r.basis} — ${r.basisReference}`,
            ]),
          )}
          ${notConcerned ? html`<p>${ctx.t('previewNotConcerned', { systems: notConcerned })}</p>` : ''}
          <form method="post" action="/citizens/${pivotId}/changes">
            ${csrfField(ctx)}${hidden(form)}<input type="hidden" name="idempotencyKey" value="${randomUUID()}" />
            <ul class="fr-btns-group fr-btns-group--inline">
              <li><button class="fr-btn" type="submit">${ctx.t('previewSend')}</button></li>
              <li><a class="fr-btn fr-btn--secondary" href="/citizens/${pivotId}/changes/new">${ctx.t('previewEdit')}</a></li>
            </ul>
          </form>`,
        'search',
      );
    }),
  );

  router.post(
    '/citizens/:pivotId/changes',
    screen(sessions, options, async (ctx) => {
      const pivotId = String(ctx.req.params['pivotId']);
      const accepted = ok(
        await gateway(ctx).POST('/v1/changes', {
          body: changeRequest(pivotId, formOf(ctx)),
          // A double click sends the same change once.
          params: { header: { 'Idempotency-Key': field(ctx, 'idempotencyKey') } },
        }),
      );
      ctx.res.redirect(303, `/changes/${accepted.id}`);
    }),
  );

  router.get(
    '/changes/:id',
    screen(sessions, options, async (ctx) => {
      const change = ok(await gateway(ctx).GET('/v1/changes/{id}', { params: { path: { id: String(ctx.req.params['id']) } } }));
      render(
        ctx,
        ctx.t('journeyTitle'),
        html`<h1>${ctx.t('journeyTitle')}</h1>
          <p>${ctx.t('journeyIntro', { id: change.id, at: formatDateTime(ctx.lang, change.acceptedAt) })}</p>
          ${journey(ctx, change)}
          <p class="fr-mt-3w">
            <a class="fr-link" href="/changes/${change.id}">${ctx.t('journeyRefresh')}</a
            >${change.pivotId ? html` · <a class="fr-link" href="/citizens/${change.pivotId}">${ctx.t('backToCitizen')}</a>` : ''}
          </p>`,
        'search',
      );
    }),
  );
  return router;
}

/**
 * Tell us once, from home: the citizen enters a new address (or new contact details), sees
 * before sending which administrations will receive it, which fields, on which legal basis
 * (POST /v1/changes/preview, computed by the gateway from the flows and the crosswalk), leaves
 * out the optional recipients they do not want (routes whose basis is their own request: the
 * change's `recipients`), sends it (POST /v1/changes, channel `web`, naming their own pivot id),
 * then follows each recipient's status live (GET /v1/changes/{id}; web/static/live.js) until
 * settled, with what to do after a refusal.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { ok, type Schemas } from '../../console/api.ts';
import { input, select, statusBadge, table } from '../../console/components.ts';
import type { Sessions } from '../../console/session.ts';
import { html, type Html } from '../../web/html.ts';
import { formatDateTime } from '../../web/i18n.ts';
import { csrfField, field, fields, gateway, render, screen, type CitizenSpaceOptions, type Context } from '../context.ts';
import { basisKind, legalBasis } from '../legal-basis.ts';
import { fieldName, optionalChoice, systemName, type MessageKey } from '../messages.ts';

const SETTLED = new Set(['applied', 'rejected', 'superseded', 'dead_lettered']);

/** A kind of change the citizen tells here: its event type, its form's fields, its data. */
interface Kind {
  path: 'move' | 'contact';
  type: string;
  title: MessageKey;
  intro: MessageKey;
  form(ctx: Context, values: Record<string, string>): Html;
  names: string[];
  data(values: Record<string, string>): Record<string, unknown>;
}

const ADDRESS: [name: string, label: MessageKey, extra: Record<string, string>][] = [
  ['number', 'addressNumber', {}],
  ['streetName', 'addressStreet', { autocomplete: 'address-line1' }],
  ['postcode', 'addressPostcode', { pattern: '[0-9AB]{5}', inputmode: 'numeric', autocomplete: 'postal-code' }],
  ['communeName', 'addressCommune', { autocomplete: 'address-level2' }],
  ['communeInsee', 'addressInsee', { pattern: '[0-9AB]{5}', inputmode: 'numeric' }],
];

const kinds: Record<Kind['path'], Kind> = {
  move: {
    path: 'move',
    type: 'fr.relais.citizen.address.changed.v1',
    title: 'moveTitle',
    intro: 'moveIntro',
    names: [...ADDRESS.map(([name]) => name), 'effectiveDate'],
    form: (ctx, values) =>
      html`${ADDRESS.map(([name, label, extra]) => input(name, ctx.t(label), { required: true, value: values[name] ?? '', ...extra }))}
      ${input('effectiveDate', ctx.t('effectiveDate'), {
        type: 'date',
        required: true,
        value: values['effectiveDate'] || new Date().toISOString().slice(0, 10),
      })}`,
    data: ({ effectiveDate, number, streetName, postcode, communeName, communeInsee }) => ({
      address: { number, streetName, postcode, communeName, communeInsee, country: 'FR' },
      effectiveDate,
    }),
  },
  contact: {
    path: 'contact',
    type: 'fr.relais.citizen.contact.changed.v1',
    title: 'contactTitle',
    intro: 'contactIntro',
    names: ['email', 'phone', 'language'],
    form: (ctx, values) =>
      html`${input('email', ctx.t('contactEmail'), { type: 'email', value: values['email'] ?? '', autocomplete: 'email' })}
      ${input('phone', ctx.t('contactPhone'), {
        type: 'tel',
        value: values['phone'] ?? '',
        autocomplete: 'tel',
        hint: ctx.t('contactPhoneHint'),
        pattern: '\\+[1-9][0-9]{6,14}',
      })}
      ${select('language', ctx.t('contactLanguage'), [
        { value: 'fr', label: ctx.t('languageFr'), selected: values['language'] !== 'en' },
        { value: 'en', label: ctx.t('languageEn'), selected: values['language'] === 'en' },
      ])}`,
    // Only what the citizen filled in: an empty field is not a new value.
    data: (values) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')),
  },
};

function valuesOf(ctx: Context, kind: Kind): Record<string, string> {
  return Object.fromEntries(kind.names.map((name) => [name, field(ctx, name)]));
}

function changeRequest(kind: Kind, pivotId: string, values: Record<string, string>, recipients?: string[]): Schemas['ChangeRequest'] {
  return {
    type: kind.type,
    citizen: { pivotId },
    channel: 'web',
    // The API document types `data` as an object without properties (one schema per event type, checked by the gateway).
    data: kind.data(values) as Schemas['ChangeRequest']['data'],
    ...(recipients ? { recipients } : {}),
  };
}

function recipientRows(ctx: Context, recipients: Schemas['ChangePreview']['recipients']) {
  return recipients.map((r) => [
    systemName(ctx.lang, r.system),
    // One field a line, so the legal basis stays in view beside them.
    html`<ul class="fr-raw-list">
      ${r.fields.map((f) => html`<li>${fieldName(ctx.lang, f)}</li>`)}
    </ul>`,
    legalBasis(ctx, r.basis, r.basisReference),
  ]);
}

function hidden(values: Record<string, string>): Html[] {
  return Object.entries(values).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`);
}

function previewPage(ctx: Context, kind: Kind, values: Record<string, string>, preview: Schemas['ChangePreview']): void {
  const mandatory = preview.recipients.filter((r) => !r.optional);
  const optional = preview.recipients.filter((r) => r.optional);
  const notConcerned = preview.notConcerned.map((n) => systemName(ctx.lang, n.system)).join(', ');
  const headers = [ctx.t('previewSystem'), ctx.t('previewFields'), ctx.t('previewBasis')];
  render(
    ctx,
    ctx.t('previewTitle'),
    html`<h1>${ctx.t('previewTitle')}</h1>
      <p>${ctx.t('previewIntro')}</p>
      <form method="post" action="/${kind.path}">
        ${csrfField(ctx)}${hidden(values)}<input type="hidden" name="idempotencyKey" value="${randomUUID()}" />
        ${preview.recipients.length === 0 ? html`<p>${ctx.t('previewNone')}</p>` : ''}
        ${
          mandatory.length
            ? html`<h2 id="mandatory-title">${ctx.t('previewMandatoryTitle')}</h2>
                ${table(ctx.t('previewMandatoryTitle'), headers, recipientRows(ctx, mandatory))}`
            : ''
        }
        ${
          optional.length
            ? html`<fieldset class="fr-fieldset" aria-labelledby="optional-legend">
                <legend class="fr-fieldset__legend" id="optional-legend">
                  ${ctx.t('previewOptionalTitle')}<span class="fr-hint-text">${ctx.t('previewOptionalHint')}</span>
                </legend>
                ${optional.map(
                  (r) =>
                    html`<div class="fr-fieldset__element">
                      <div class="fr-checkbox-group">
                        <input type="checkbox" id="recipient-${r.system}" name="recipients" value="${r.system}" checked />
                        <label class="fr-label" for="recipient-${r.system}"
                          >${optionalChoice(ctx.lang, r.system) ?? ctx.t('previewInform', { system: systemName(ctx.lang, r.system) })}
                          <span class="fr-hint-text"
                            >${r.fields.map((f) => fieldName(ctx.lang, f)).join(', ')} — ${basisKind(ctx, r.basis)} :
                            <span lang="fr">${r.basisReference}</span></span
                          ></label
                        >
                      </div>
                    </div>`,
                )}
              </fieldset>`
            : ''
        }
        ${notConcerned ? html`<p>${ctx.t('previewNotConcerned', { systems: notConcerned })}</p>` : ''}
        <ul class="fr-btns-group fr-btns-group--inline">
          <li><button class="fr-btn" type="submit">${ctx.t('previewSend')}</button></li>
          <li><a class="fr-btn fr-btn--secondary" href="/${kind.path}">${ctx.t('previewEdit')}</a></li>
        </ul>
      </form>`,
    kind.path,
  );
}

function advice(ctx: Context, recipient: Schemas['Recipient']): string {
  const reason = recipient.reason ?? '—';
  if (recipient.status === 'rejected') return ctx.t('adviceRejected', { reason });
  if (recipient.status === 'dead_lettered') return ctx.t('adviceDeadLettered', { reason });
  return SETTLED.has(recipient.status) ? ctx.t('adviceNone') : '';
}

function journey(ctx: Context, change: Schemas['Change']): Html {
  const settled = change.recipients.every((r) => SETTLED.has(r.status));
  return html`<div data-live data-settled="${settled ? 'true' : 'false'}" id="journey">
    <p class="fr-mb-2w" role="status">${settled ? ctx.t('journeySettled') : ctx.t('journeyPending')}</p>
    ${table(
      ctx.t('journeyTitle'),
      [ctx.t('previewSystem'), ctx.t('journeyStatus'), ctx.t('journeyAt'), ctx.t('journeyWhatNext')],
      change.recipients.map((r) => [
        html`<span data-system="${r.system}">${systemName(ctx.lang, r.system)}</span>`,
        statusBadge(r.status, ctx.t(`status_${r.status}` as MessageKey)),
        formatDateTime(ctx.lang, r.updatedAt),
        advice(ctx, r),
      ]),
    )}
  </div>`;
}

export function declareScreens(sessions: Sessions, options: CitizenSpaceOptions): Router {
  const router = Router();
  for (const kind of Object.values(kinds)) {
    router.get(
      `/${kind.path}`,
      screen(sessions, options, async (ctx) => {
        render(
          ctx,
          ctx.t(kind.title),
          html`<h1>${ctx.t(kind.title)}</h1>
            <p>${ctx.t(kind.intro)}</p>
            <p class="fr-hint-text">${ctx.t('requiredHint')}</p>
            <form method="post" action="/${kind.path}/preview" class="fr-col-12 fr-col-md-8">
              ${csrfField(ctx)}${kind.form(ctx, {})}
              <button class="fr-btn" type="submit">${ctx.t('previewSubmit')}</button>
            </form>`,
          kind.path,
        );
      }),
    );

    router.post(
      `/${kind.path}/preview`,
      screen(sessions, options, async (ctx, pivotId) => {
        const values = valuesOf(ctx, kind);
        const preview = ok(await gateway(ctx).POST('/v1/changes/preview', { body: changeRequest(kind, pivotId, values) }));
        previewPage(ctx, kind, values, preview);
      }),
    );

    router.post(
      `/${kind.path}`,
      screen(sessions, options, async (ctx, pivotId) => {
        const accepted = ok(
          await gateway(ctx).POST('/v1/changes', {
            // The optional recipients the citizen kept ticked: only they receive it (citizen-request routes).
            body: changeRequest(kind, pivotId, valuesOf(ctx, kind), fields(ctx, 'recipients')),
            // A double click sends the same change once.
            params: { header: { 'Idempotency-Key': field(ctx, 'idempotencyKey') } },
          }),
        );
        ctx.res.redirect(303, `/changes/${accepted.id}`);
      }),
    );
  }

  router.get(
    '/changes/:id',
    screen(sessions, options, async (ctx) => {
      const change = ok(await gateway(ctx).GET('/v1/changes/{id}', { params: { path: { id: String(ctx.req.params['id']) } } }));
      render(
        ctx,
        ctx.t('journeyTitle'),
        html`<h1>${ctx.t('journeyTitle')}</h1>
          <p>${ctx.t('journeyIntro', { at: formatDateTime(ctx.lang, change.acceptedAt) })}</p>
          ${journey(ctx, change)}
          <p class="fr-mt-3w"><a class="fr-link" href="/changes/${change.id}">${ctx.t('journeyRefresh')}</a></p>`,
      );
    }),
  );
  return router;
}

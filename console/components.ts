/** DSFR components as the console's screens use them: form fields, tables (each after a heading of the same text, so its caption is for screen readers only), status badges. */
import { html, type Html } from '../web/html.ts';

export interface FieldOptions {
  type?: string;
  value?: string;
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  pattern?: string;
  inputmode?: string;
}

export function input(id: string, label: string, options: FieldOptions = {}): Html {
  const hint = options.hint ? html`<span class="fr-hint-text">${options.hint}</span>` : '';
  return html`<div class="fr-input-group">
    <label class="fr-label" for="${id}">${label}${hint}</label>
    <input
      class="fr-input"
      id="${id}"
      name="${id}"
      type="${options.type ?? 'text'}"
      value="${options.value ?? ''}"
      ${options.required ? html` required` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${options.pattern ? html` pattern="${options.pattern}"` : ''}${options.inputmode ? html` inputmode="${options.inputmode}"` : ''}
    />
  </div>`;
}

export function textarea(id: string, label: string, hint?: string): Html {
  return html`<div class="fr-input-group">
    <label class="fr-label" for="${id}">${label}${hint ? html`<span class="fr-hint-text">${hint}</span>` : ''}</label>
    <textarea class="fr-input" id="${id}" name="${id}" rows="3" maxlength="2000"></textarea>
  </div>`;
}

/** `name`: the field's name when it differs from its id (two forms of a page sending the same field). */
export function select(id: string, label: string, options: { value: string; label: string; selected?: boolean }[], name = id): Html {
  return html`<div class="fr-select-group">
    <label class="fr-label" for="${id}">${label}</label>
    <select class="fr-select" id="${id}" name="${name}">
      ${options.map((o) => html`<option value="${o.value}" ${o.selected ? html` selected` : ''}>${o.label}</option>`)}
    </select>
  </div>`;
}

export function table(caption: string, headers: string[], rows: (Html | string)[][]): Html {
  return html`<div class="fr-table fr-table--bordered fr-table--no-caption">
    <div class="fr-table__wrapper">
      <div class="fr-table__container" tabindex="0" role="region" aria-label="${caption}">
        <div class="fr-table__content">
          <table>
            <caption>
              ${caption}
            </caption>
            <thead>
              <tr>
                ${headers.map((h) => html`<th scope="col">${h}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                (row) =>
                  html`<tr>
                    ${row.map((cell) => html`<td>${cell}</td>`)}
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  </div>`;
}

const BADGES: Record<string, string> = {
  applied: 'success',
  rejected: 'error',
  dead_lettered: 'error',
  poison: 'warning',
  replay_pending: 'new',
  published: 'success',
  discarded: 'info',
  superseded: 'info',
  pending: 'new',
  delivered: 'info',
  unknown: 'warning',
};

/** A recipient status as a DSFR badge, with its text in the page's language. */
export function statusBadge(status: string, label: string): Html {
  return html`<p class="fr-badge fr-badge--sm fr-badge--${BADGES[status] ?? 'info'}" data-status="${status}">${label}</p>`;
}

/**
 * The search by civil data, as the search screen (search.ts) shows it: the form, the query it
 * becomes for GET /v1/citizens?birthName=&givenNames=&dateOfBirth=[&placeOfBirth=], and the
 * citizens found. The register proposes people and the gateway keeps the plausible ones it knows
 * (gateway/citizen-civil-search.ts); a search links no one, so even a single result is a
 * candidate the agent checks against the citizen's documents, and several are homonyms to choose
 * between. Pure rendering: the routes and the API call are in search.ts.
 */
import { html, type Html } from '../../web/html.ts';
import { formatNumber } from '../../web/i18n.ts';
import type { Schemas } from '../api.ts';
import { input, table } from '../components.ts';
import type { Context } from '../context.ts';

/** What rendering needs of a page's context: its language and texts. */
export type View = Pick<Context, 't' | 'lang'>;

export interface CivilValues {
  birthName: string;
  givenNames: string;
  /** YYYY-MM-DD, as a date input sends it. */
  dateOfBirth: string;
  /** An INSEE commune code, or '' when not given. */
  placeOfBirth: string;
}

// The gateway's pattern (2A and 2B are Corsica's departments, hence not a number); lower case
// is accepted here and sent upper case, as the code is printed on documents either way.
const INSEE_PATTERN = String.raw`\d[\dABab]\d{3}`;

/** The values typed, from the query string (`param` trims; '' when absent). */
export function civilValues(param: (name: string) => string): CivilValues {
  return {
    birthName: param('birthName'),
    givenNames: param('givenNames'),
    dateOfBirth: param('dateOfBirth'),
    placeOfBirth: param('placeOfBirth').toUpperCase(),
  };
}

/** The API's query: the birth place only when given (the gateway refuses an empty one as no INSEE code). */
export function civilQuery(values: CivilValues): Partial<CivilValues> {
  const { placeOfBirth, ...required } = values;
  return placeOfBirth ? { ...required, placeOfBirth } : required;
}

/** The form (GET /search/civil); `purpose` is the purpose select, shared with the identifier search. */
export function civilForm(view: View, values: CivilValues, purpose: Html): Html {
  const civil = { autocomplete: 'off' }; // another citizen's data: nothing for the desk's browser to remember or suggest
  return html`<form method="get" action="/search/civil">
    ${purpose} ${input('birthName', view.t('criterion_birthName'), { ...civil, required: true, value: values.birthName })}
    ${input('givenNames', view.t('criterion_givenNames'), {
      ...civil,
      required: true,
      hint: view.t('civilGivenNamesHint'),
      value: values.givenNames,
    })}
    ${input('dateOfBirth', view.t('criterion_dateOfBirth'), { ...civil, type: 'date', required: true, value: values.dateOfBirth })}
    ${input('placeOfBirth', view.t('civilPlaceOfBirth'), {
      ...civil,
      hint: view.t('civilPlaceOfBirthHint'),
      pattern: INSEE_PATTERN,
      value: values.placeOfBirth,
    })}
    <button class="fr-btn" type="submit">${view.t('civilSubmit')}</button>
  </form>`;
}

type Found = Schemas['CitizenSearch']['citizens'];

function rows(view: View, found: Found) {
  return found.map((c) => [
    html`<a href="/citizens/${c.pivotId}">${c.pivotId}</a>`,
    (c.matched ?? []).map((m) => view.t(`criterion_${m}`)).join(', '),
    c.score === undefined ? '' : view.t('civilScoreOf', { score: formatNumber(view.lang, c.score) }),
  ]);
}

/** The citizens found (at least one): how many, that none is linked yet, and the table to choose from. */
export function civilResults(view: View, found: Found, values: CivilValues): Html {
  const homonyms = found.length > 1;
  return html`${
      homonyms
        ? html`<div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w">
            <p>${view.t('civilFoundMany', { count: found.length })}</p>
          </div>`
        : html`<p>${view.t('civilFoundOne')}</p>`
    }
    <p>${view.t('civilLinksNoOne')}</p>
    <h2 id="civil-candidates">${view.t('civilCandidates')}</h2>
    ${table(view.t('civilCandidates'), [view.t('civilCandidate'), view.t('civilMatched'), view.t('reviewScore')], rows(view, found))}
    ${values.placeOfBirth ? '' : html`<p class="fr-hint-text">${view.t('civilNoPlace')}</p>`}`;
}

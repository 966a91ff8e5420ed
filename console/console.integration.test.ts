/**
 * The agent console in a real browser (Debian's Chromium driven by playwright-core) against a
 * whole Relais — Kafka, PostgreSQL, the five silos' simulators, the local OpenID provider:
 *   - Dominique, a front-desk agent, logs in through the provider's login page, finds the demo
 *     citizen by her civil data (one candidate, what matched, its score; the fields reached with
 *     the keyboard), then by her social-services file number, logs a phone call with the keyboard only,
 *     declares her new address at the desk, sees who will receive which fields, sends it and
 *     watches it reach every system;
 *   - Dominique, who also handles citizens' requests, filters the requests workspace, opens a
 *     missed collection reported at the desk, notes on it, assigns it to the waste service and
 *     answers the citizen with the keyboard only; the request is resolved and the answer reaches
 *     the citizen's mailbox, which the trace shows;
 *   - Dominique, who also reviews identities, opens a change held because its civil data matched
 *     two homonyms in the register, compares them side by side with the data given, and chooses;
 *   - Alex, an operator, finds a change dead-lettered for social-services while it was down,
 *     corrects the street name it carried, replays it to that system alone and sees it applied;
 *   - Alex, an operator, pauses social-services for its maintenance and resumes it, opens the
 *     dead letters and the figures (a chart, and their CSV export), and is refused a citizen's file by the API, which names the rule.
 * Every screen, in French and in English, has 0 axe-core violations; each is kept as a
 * screenshot under test-artifacts/console/, and its weight (bytes transferred) and time to first
 * contentful paint are printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, logInAtProvider, PageChecks } from '../test/support/browser.ts';
import { addressChange, settledAll, startStack, type Stack } from '../test/support/stack.ts';

const ARTIFACTS = 'test-artifacts/console';
const MAIL = 'jeanne.console@example.fr';

/** Polls `done` (a page reload each time, say) until it holds, for at most a minute. */
async function waitFor(done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
/** Presses Tab, checks the field reached is `id`, and types `text` in it. */
async function tabTo(page: Page, id: string, text?: string): Promise<void> {
  await page.keyboard.press('Tab');
  assert.equal(await page.locator('*:focus').getAttribute('id'), id);
  if (text) await page.keyboard.type(text);
}
// The systems an address change goes to; the citizen's email is told once they have all settled
// (privacy/settled-notice.ts), not as a recipient of the change.
const RECIPIENTS = ['school-catering', 'social-services', 'tax', 'waste-management'];
const checks = new PageChecks(ARTIFACTS);

describe('the agent console in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let consoleUrl: string;

  before(async () => {
    stack = await startStack({
      store: 'postgres',
      flows: ['social-services.yaml', 'waste-management.yaml', 'tax.yaml', 'school-catering.yaml', 'email.yaml', 'civil-registry.yaml'],
      env: {
        RELAIS_TAX_BATCH_MAX_AGE_MS: '300',
        RELAIS_TAX_ACK_POLL_MS: '150',
        RELAIS_TAX_ACK_DEADLINE_MS: '20000',
        // A short patience: a silo failing for longer dead-letters (the operator's journey).
        RELAIS_SINK_PATIENCE_MS: '1500',
      },
    });
    assert.ok(stack.relais.consoleUrl, 'the quick start runs the console');
    consoleUrl = stack.relais.consoleUrl;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    checks.print();
  });

  test('a front-desk agent finds the demo citizen, logs a phone call, declares a move and sees it reach every system', async () => {
    const page = await (await browser.newContext()).newPage();
    const homeBytes = await checks.weighed(page, () => page.goto(consoleUrl));
    await checks.bothLanguages(page, 'home', homeBytes);

    await logInAtProvider(page, consoleUrl, 'dominique.accueil', 'Se connecter');
    assert.match(await page.locator('h1').innerText(), /Rechercher un usager/);
    await checks.bothLanguages(page, 'search', await checks.weighed(page, () => page.reload()));

    // By civil data, typed with the keyboard: from the purpose, each field reached by Tab in order
    // (the date's day, month and year are Tab stops of their own: Tab until it is left).
    await page.focus('#civil-purpose');
    await tabTo(page, 'birthName', 'Martin');
    await tabTo(page, 'givenNames', 'Jeanne');
    await tabTo(page, 'dateOfBirth');
    // A string: the test's TypeScript has no DOM library.
    const focused = () => page.evaluate<string>(`document.activeElement?.id ?? ''`);
    for (let stops = 0; stops < 4 && (await focused()) === 'dateOfBirth'; stops++) await page.keyboard.press('Tab');
    assert.equal(await focused(), 'placeOfBirth');
    await page.keyboard.press('Tab');
    assert.equal((await page.locator('*:focus').innerText()).trim(), 'Trouver par état civil');
    // The date itself is filled in ISO form: typed, its order would depend on the browser's locale.
    await page.fill('#dateOfBirth', '1948-05-02');
    const civilBytes = await checks.weighed(page, () => page.getByRole('button', { name: 'Trouver par état civil' }).click());
    assert.match(await page.locator('h1').innerText(), /Recherche par état civil/);
    const candidates = page.locator('#civil-candidates + div tbody tr');
    assert.equal(await candidates.count(), 1);
    // The quick start's register has Jeanne Marie MARTIN, born 1948-05-02 in Lyon: no birth place given, 85 of 100.
    assert.match(await candidates.innerText(), /Nom de naissance, Prénoms, Date de naissance\s+85 \/ 100/);
    assert.match(await page.locator('main').innerText(), /Une recherche ne rattache personne/);
    await checks.bothLanguages(page, 'civil-search', civilBytes);
    await candidates.getByRole('link').click();
    await page.waitForURL(/\/citizens\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('#files-title + div').innerText(), /SS-000123/);
    await page.goto(consoleUrl);

    await page.selectOption('#system', 'social-services');
    await page.fill('#identifier', 'SS-000123');
    const citizenBytes = await checks.weighed(page, () => page.getByRole('button', { name: 'Rechercher' }).click());
    assert.match(page.url(), /\/citizens\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('#files-title + div').innerText(), /SS-000123/);
    await checks.bothLanguages(page, 'citizen', citizenBytes);

    // Keyboard only: from the channel to the button, each field reached by Tab.
    await page.focus('#channel');
    await page.keyboard.press('End'); // the options end with mobile; Home goes back to phone
    await page.keyboard.press('Home');
    assert.equal(await page.inputValue('#channel'), 'phone');
    await page.keyboard.press('Tab');
    assert.equal(await page.locator('*:focus').getAttribute('id'), 'subject');
    await page.keyboard.type('Question sur la collecte des encombrants');
    await page.keyboard.press('Tab');
    assert.equal(await page.locator('*:focus').getAttribute('id'), 'note');
    await page.keyboard.type('Rappel prévu lundi');
    await page.keyboard.press('Tab');
    assert.equal((await page.locator('*:focus').innerText()).trim(), 'Consigner le contact');
    // Enter submits the form; the next page is the one that says so (load state alone can
    // still be the page the key was pressed on).
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /Le contact est consigné/ })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.match(await page.locator('#timeline-title + div').innerText(), /Contact — Question sur la collecte des encombrants/);
    assert.match(await page.locator('#timeline-title + div').innerText(), /téléphone/);

    const declareBytes = await checks.weighed(page, () => page.getByRole('link', { name: 'Déclarer un changement d’adresse' }).click());
    await checks.bothLanguages(page, 'declare', declareBytes);
    const declareUrl = new URL(page.url());
    const fillAddress = async (p: Page) => {
      await p.fill('#number', '8');
      await p.fill('#streetName', 'rue de la Console');
      await p.fill('#postcode', '69003');
      await p.fill('#communeName', 'Lyon');
      await p.fill('#communeInsee', '69383');
    };
    // The preview in English, in a second tab of the same session (then back to French).
    const english = await page.context().newPage();
    declareUrl.searchParams.set('lang', 'en');
    await english.goto(declareUrl.toString());
    await fillAddress(english);
    const englishPreviewBytes = await checks.weighed(english, () =>
      english.getByRole('button', { name: 'See who will receive this change' }).click(),
    );
    assert.match(
      await english
        .locator('h2, h1')
        .allInnerTexts()
        .then((t) => t.join(' ')),
      /Who will receive this change/,
    );
    await checks.check(english, 'preview', 'en', englishPreviewBytes);
    declareUrl.searchParams.set('lang', 'fr');
    await english.goto(declareUrl.toString());
    await english.close();
    await fillAddress(page);
    const previewBytes = await checks.weighed(page, () => page.getByRole('button', { name: 'Voir qui recevra ce changement' }).click());
    const preview = await page.locator('table').innerText();
    for (const system of RECIPIENTS) assert.match(preview, new RegExp(system), `the preview names ${system}`);
    assert.match(preview, /address\.streetName/);
    await checks.check(page, 'preview', 'fr', previewBytes);

    const journeyBytes = await checks.weighed(page, () => page.getByRole('button', { name: 'Envoyer le changement' }).click());
    assert.match(page.url(), /\/changes\/[0-9a-f-]{36}$/);
    // live.js refreshes the journey until every system has answered.
    await page.waitForSelector('[data-live][data-settled="true"]', { timeout: 90_000 });
    const badges = await page.locator('[data-live] [data-status]').all();
    const statuses = await Promise.all(badges.map((b) => b.getAttribute('data-status')));
    assert.deepEqual(
      statuses,
      RECIPIENTS.map(() => 'applied'),
    );
    await checks.bothLanguages(page, 'journey', journeyBytes);
    await page.close();
  });

  test('a request agent filters the requests, assigns one to the waste service, notes on it, answers the citizen by email', async () => {
    const submitted = await fetch(`${stack.relais.gatewayUrl}/v1/service-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.relais.devToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        citizen: { system: 'social-services', id: 'SS-000123' },
        channel: 'phone',
        category: 'waste.missed-collection',
        location: { communeInsee: '69383' },
        description: 'Bac jaune non collecté mardi.',
        contact: { email: MAIL },
      }),
    });
    assert.equal(submitted.status, 202, await submitted.clone().text());
    const requestId = ((await submitted.json()) as { id: string }).id;

    const page = await (await browser.newContext()).newPage();
    await logInAtProvider(page, consoleUrl, 'dominique.accueil', 'Se connecter');
    const listBytes = await checks.weighed(page, () => page.getByRole('link', { name: 'Demandes' }).click());
    assert.match(await page.locator('h1').innerText(), /Demandes des usagers/);
    await page.fill('#commune', '69383');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForLoadState('load');
    assert.match(page.url(), /commune=69383/);
    await checks.bothLanguages(page, 'requests', listBytes);

    const traceBytes = await checks.weighed(page, () => page.locator(`a[href="/requests/${requestId}"]`).click());
    assert.match(await page.locator('#competent-service').innerText(), /waste-management/);
    assert.match(await page.locator('dl').innerText(), /objectif : 48 h/);
    await checks.bothLanguages(page, 'request', traceBytes);

    await page.fill('#note', 'Le voisin signale le même oubli.');
    await page.getByRole('button', { name: 'Ajouter la note' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').first().innerText(), /La note est ajoutée/);
    await page.selectOption('#service', 'waste-management');
    await page.fill('#assignComment', 'Transmise au service de collecte.');
    await page.getByRole('button', { name: 'Affecter la demande' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').first().innerText(), /La demande est affectée/);

    // The answer with the keyboard only: the status (resolved comes first), the message, the button.
    await page.focus('#answerStatus');
    assert.equal(await page.inputValue('#answerStatus'), 'resolved');
    await page.keyboard.press('Tab');
    assert.equal(await page.locator('*:focus').getAttribute('id'), 'message');
    await page.keyboard.type('Votre bac sera collecté jeudi matin.');
    await page.keyboard.press('Tab');
    assert.equal((await page.locator('*:focus').innerText()).trim(), 'Envoyer la réponse');
    // Enter submits the form; the next page is the one that says so (load state alone can
    // still be the page the key was pressed on).
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /La réponse est envoyée/ })
      .first()
      .waitFor({ timeout: 30_000 });

    // The gateway applies the answer's event to the request, and the email connector sends it.
    const mailbox = stack.silos.mailbox!;
    await waitFor(async () => {
      await page.reload();
      return (
        (await page.locator('#request-status').getAttribute('data-status')) === 'resolved' &&
        (await page.locator('#trace-title + div [data-status="applied"]').count()) >= 2
      );
    }, 'the request resolved and both emails applied in the trace');
    const trace = await page.locator('#trace-title + div').innerText();
    assert.match(trace, /Affectée → waste-management/);
    assert.match(trace, /Le voisin signale le même oubli/);
    assert.match(trace, /Réponse à l’usager/);
    const mail = mailbox.messages().find((m) => m.to.includes(MAIL) && m.subject === 'Votre demande a été traitée');
    assert.ok(mail, 'the answer reached the citizen');
    assert.match(mail.text, /Votre bac sera collecté jeudi matin/);
    await checks.bothLanguages(page, 'request-answered', await checks.weighed(page, () => page.reload()));
    await page.close();
  });

  test('an identity reviewer compares the register’s homonyms side by side with the data given and chooses one', async () => {
    const held = await fetch(`${stack.relais.gatewayUrl}/v1/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.relais.devToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...addressChange('unused', 'rue des Homonymes'),
        // Two Jean-Pierre Bernard born the same day are in the register's demo (silos/civil-registry/seed.ts).
        citizen: {
          civil: {
            birthName: 'bérnard',
            givenNames: ['Jean Pierre'],
            dateOfBirth: '1962-07-14',
            placeOfBirth: { communeName: 'LYON', country: 'FR' },
          },
        },
      }),
    });
    const change = (await held.json()) as { id: string; status: string; identityReview?: { id: string } };
    assert.equal(change.status, 'held_for_review', JSON.stringify(change));

    const page = await (await browser.newContext()).newPage();
    await logInAtProvider(page, consoleUrl, 'dominique.accueil', 'Se connecter');
    const listBytes = await checks.weighed(page, () => page.getByRole('link', { name: 'Identités à vérifier' }).click());
    await checks.bothLanguages(page, 'identity-reviews', listBytes);
    const reviewBytes = await checks.weighed(page, () => page.locator(`a[href="/identity-reviews/${change.identityReview!.id}"]`).click());
    const sideBySide = await page.locator('#side-by-side + div').innerText();
    assert.match(sideBySide, /EC-00000901/);
    assert.match(sideBySide, /EC-00000902/);
    assert.match(sideBySide, /bérnard/);
    // The homonym born in Bron differs on the place of birth only.
    assert.equal(await page.locator('#side-by-side + div [data-matched="false"]').count(), 1);
    await checks.bothLanguages(page, 'identity-review', reviewBytes);

    await page.getByRole('button', { name: 'Choisir EC-00000901' }).click();
    await page.waitForLoadState('load');
    assert.match(page.url(), new RegExp(`/changes/${change.id}$`));
    assert.match(await page.getByRole('status').first().innerText(), /Décision enregistrée : matched/);
    await page.close();
    // Released by the decision, the change goes on to its systems: settled before the next test
    // breaks social-services on purpose (on a slow machine it was still on its way, and was
    // dead-lettered there too).
    const released = await stack.waitForStatus(change.id, settledAll, 60_000);
    assert.deepEqual(
      released.recipients.filter((r) => r.status !== 'applied'),
      [],
      'the released change is applied in every system',
    );
  });

  test('an operator fixes a dead letter’s data, replays it to social-services alone and sees it applied', async () => {
    await stack.setFault({ mode: 'erreur', statut: 503 });
    let changeId: string;
    try {
      const posted = await stack.postChange(addressChange('SS-000123', 'rue Erronée'));
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      changeId = posted.body.id;
      await stack.waitForStatus(
        changeId,
        (c) => c.recipients.some((r) => r.system === 'social-services' && r.status === 'dead_lettered'),
        60_000,
      );
    } finally {
      await stack.setFault(null);
    }

    const page = await (await browser.newContext()).newPage();
    await logInAtProvider(page, consoleUrl, 'alex.exploitation', 'Se connecter');
    await page.getByRole('link', { name: 'Lettres mortes' }).click();
    const inspectBytes = await checks.weighed(page, () => page.locator(`a[href="/dead-letters/social-services/${changeId}"]`).click());
    assert.match(await page.locator('h1').innerText(), /Lettre morte/);
    await checks.bothLanguages(page, 'dead-letter', inspectBytes);

    const data = JSON.parse(await page.inputValue('#data')) as { address: { streetName: string } };
    assert.equal(data.address.streetName, 'rue Erronée');
    data.address.streetName = 'rue Corrigée';
    await page.fill('#data', JSON.stringify(data, null, 2));
    await page.getByRole('button', { name: 'Corriger et rejouer vers social-services' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').first().innerText(), /Corrigé et rejoué \(champs modifiés : address\)/);

    await waitFor(async () => {
      await page.reload();
      return (await page.locator(`[data-event="${changeId}"][data-status="applied"]`).count()) === 1;
    }, 'the fixed dead letter applied');
    await checks.bothLanguages(page, 'dead-letters-fixed', await checks.weighed(page, () => page.reload()));
    // Nothing waits any more in this system: the count says so, not "to handle: 0".
    assert.match(
      await page.locator('section[aria-labelledby="dl-social-services"] > p').first().innerText(),
      /^Rien à traiter\. Réglées depuis : \d+\.$/,
    );
    const change = await stack.getChange(changeId);
    assert.equal(change.recipients.find((r) => r.system === 'social-services')?.status, 'applied');
    assert.match(JSON.stringify((await stack.file('SS-000123')).adresse), /rue Corrigée/);
    await page.close();
  });

  test('an operator opens the dead letters and the figures (chart, CSV); a citizen’s file is refused, naming the rule', async () => {
    const page = await (await browser.newContext()).newPage();
    await logInAtProvider(page, consoleUrl, 'alex.exploitation', 'Se connecter');
    const bytes = await checks.weighed(page, () => page.getByRole('link', { name: 'Lettres mortes' }).click());
    assert.match(await page.locator('h1').innerText(), /Lettres mortes/);
    await checks.bothLanguages(page, 'dead-letters', bytes);
    // Social services goes into maintenance: Alex pauses its deliveries, with the reason, then resumes them.
    await page.fill('#pause-reason-social-services', 'maintenance du logiciel social');
    await page.getByRole('button', { name: 'Suspendre social-services' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').first().innerText(), /Livraisons à social-services suspendues/);
    assert.match(
      await page.locator('[data-system="social-services"]').innerText(),
      /suspendu depuis .* par .*: maintenance du logiciel social/,
    );
    await checks.bothLanguages(page, 'system-paused', await checks.weighed(page, () => page.reload()));
    await page.getByRole('button', { name: 'Reprendre social-services' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').first().innerText(), /Livraisons à social-services reprises/);
    assert.equal(await page.locator('[data-system="social-services"]').getAttribute('data-paused'), 'false');
    // The figures as a chart (with its table), and their CSV export.
    const kpisBytes = await checks.weighed(page, () => page.getByRole('link', { name: 'Indicateurs' }).click());
    assert.match(await page.locator('svg[role=img] title').innerHTML(), /Changements par canal/);
    // A change told by a silo itself is labelled by its system, in the page's language.
    assert.match(await page.locator('table').first().innerText(), /depuis waste-management/);
    await checks.bothLanguages(page, 'kpis', kpisBytes);
    const csv = await page.request.get(`${consoleUrl}/kpis.csv`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
    assert.match(csv.headers()['content-disposition'] ?? '', /relais-kpis\.csv/);
    assert.ok((await csv.text()).split('\n').length > 1, 'a header and rows');
    // The operator may not read citizens' files: the gateway refuses, the console says which rule.
    const refusedBytes = await checks.weighed(page, () => page.goto(`${consoleUrl}/search?system=social-services&identifier=SS-000123`));
    assert.match(await page.getByRole('alert').innerText(), /read:timelines/);
    await checks.bothLanguages(page, 'refused', refusedBytes);
    await page.close();
  });
});

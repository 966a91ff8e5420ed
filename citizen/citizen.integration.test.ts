/**
 * The citizen space in a real browser (Debian's Chromium driven by playwright-core) against a
 * whole Relais — Kafka, PostgreSQL, the silos' simulators, the civil register, the local OpenID
 * provider standing in for FranceConnect:
 *   - Jeanne Marie Martin logs in; the gateway finds her in the register from the identity the
 *     provider vouches for. She declares her move, sees before sending who will receive which
 *     fields on which legal basis, leaves out the optional email confirmation, sends it and
 *     watches every administration take it into account; then she opens "who received my
 *     data", objects to school catering receiving her next changes, and withdraws it;
 *   - Jean-Pierre Bernard has a homonym born the same day: he gets a page saying he cannot be
 *     identified with certainty, not someone else's space; Camille Durand is not in the register.
 * Every screen, in French and in English, has 0 axe-core violations; each is kept as a
 * screenshot under test-artifacts/citizen/, and its weight and first paint are printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, logInAtProvider, PageChecks } from '../test/support/browser.ts';
import { startStack, type Stack } from '../test/support/stack.ts';

// The administrations a move goes to by law or public task; email (the confirmation) only if asked.
const RECIPIENTS = ['school-catering', 'social-services', 'tax', 'waste-management'];
const pages = new PageChecks('test-artifacts/citizen');

async function fillMove(page: Page, street: string): Promise<void> {
  await page.fill('#number', '12');
  await page.fill('#streetName', street);
  await page.fill('#postcode', '69007');
  await page.fill('#communeName', 'Lyon');
  await page.fill('#communeInsee', '69387');
}

describe('the citizen space in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let site: string;

  before(async () => {
    stack = await startStack({
      store: 'postgres',
      flows: ['social-services.yaml', 'waste-management.yaml', 'tax.yaml', 'school-catering.yaml', 'email.yaml', 'civil-registry.yaml'],
      env: { RELAIS_TAX_BATCH_MAX_AGE_MS: '300', RELAIS_TAX_ACK_POLL_MS: '150', RELAIS_TAX_ACK_DEADLINE_MS: '20000' },
    });
    assert.ok(stack.relais.citizenUrl, 'the quick start runs the citizen space');
    site = stack.relais.citizenUrl;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    pages.print();
  });

  test('a citizen declares a move from home, chooses its optional recipient, follows it, and objects to a recipient', async () => {
    const page = await (await browser.newContext()).newPage();
    await pages.bothLanguages(page, 'welcome', await pages.weighed(page, () => page.goto(site)));

    await logInAtProvider(page, site, 'jeanne.martin', 'Se connecter');
    assert.match(await page.locator('h1').innerText(), /Bonjour/);
    await pages.bothLanguages(page, 'home', await pages.weighed(page, () => page.reload()));

    // The contact details form, as a page (no flow routes contact changes yet).
    await pages.bothLanguages(
      page,
      'contact',
      await pages.weighed(page, () => page.getByRole('link', { name: 'Mes coordonnées' }).first().click()),
    );

    // The preview in English first (a POST cannot be switched by URL), then the journey in French.
    await page.goto(`${site}/move?lang=en`);
    await fillMove(page, 'rue Citoyenne');
    const englishPreviewBytes = await pages.weighed(page, () =>
      page.getByRole('button', { name: 'See who will receive this change' }).click(),
    );
    await pages.check(page, 'preview', 'en', englishPreviewBytes);

    const formBytes = await pages.weighed(page, () => page.goto(`${site}/move?lang=fr`));
    await pages.check(page, 'move', 'fr', formBytes);
    await pages.check(page, 'move', 'en', await pages.weighed(page, () => page.goto(`${site}/move?lang=en`)));
    await page.goto(`${site}/move?lang=fr`);
    await fillMove(page, 'rue Citoyenne');
    const previewBytes = await pages.weighed(page, () => page.getByRole('button', { name: 'Voir qui recevra ce changement' }).click());
    const mandatory = await page.locator('table').innerText();
    for (const name of ['Restauration scolaire', 'Services sociaux', 'Impôts', 'Collecte des déchets'])
      assert.match(mandatory, new RegExp(name), `the preview names ${name}`);
    // The fields as she calls them, not the data's paths.
    assert.match(mandatory, /Voie/);
    assert.doesNotMatch(mandatory, /address\./);
    assert.match(mandatory, /Obligation légale/);
    assert.match(mandatory, /Livre des procédures fiscales/);
    // The email confirmation is the citizen's to ask for: offered, ticked, and she unticks it.
    const optional = page.getByRole('checkbox', { name: /M’envoyer une confirmation par courriel/ });
    assert.equal(await optional.isChecked(), true);
    await pages.check(page, 'preview', 'fr', previewBytes);
    // A DSFR checkbox is ticked through its label, as a person does.
    await page.locator('label[for="recipient-email"]').click();
    assert.equal(await optional.isChecked(), false);

    const journeyBytes = await pages.weighed(page, () => page.getByRole('button', { name: 'Envoyer le changement' }).click());
    const changeId = /\/changes\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    assert.ok(changeId, 'the journey page of the change');
    // live.js refreshes the statuses until every administration has answered.
    await page.waitForSelector('[data-live][data-settled="true"]', { timeout: 90_000 });
    const systems = await page
      .locator('[data-live] [data-system]')
      .evaluateAll((nodes) => nodes.map((n) => (n as unknown as { dataset: { system: string } }).dataset.system));
    assert.deepEqual(systems, RECIPIENTS, 'the unticked confirmation is no recipient');
    const statuses = await page
      .locator('[data-live] [data-status]')
      .evaluateAll((nodes) => nodes.map((n) => (n as unknown as { dataset: { status: string } }).dataset.status));
    assert.deepEqual(
      statuses,
      RECIPIENTS.map(() => 'applied'),
    );
    await pages.bothLanguages(page, 'journey', journeyBytes);
    // The API agrees: the change went to the four, never to email.
    const change = await stack.getChange(changeId);
    assert.deepEqual(change.recipients.map((r) => r.system).sort(), RECIPIENTS);

    const disclosuresBytes = await pages.weighed(page, () => page.getByRole('link', { name: 'Qui a reçu mes données' }).first().click());
    const ledger = await page.locator('#deliveries-title + div table').innerText();
    for (const name of ['Restauration scolaire', 'Services sociaux', 'Impôts', 'Collecte des déchets'])
      assert.match(ledger, new RegExp(name), `the ledger names ${name}`);
    assert.doesNotMatch(ledger, /courriel/, 'no disclosure to email');
    // Each basis in words, then the law it rests on; never the flows' keys or the data's paths.
    assert.match(ledger, /Obligation légale\s+Livre des procédures fiscales/);
    assert.doesNotMatch(ledger, /legal-obligation|public-task|address\./);
    // Her own reads (the journey page polling her change) are not reads by someone else.
    assert.doesNotMatch(await page.locator('#reads-title + *').innerText(), /jeanne\.martin/);
    await pages.bothLanguages(page, 'disclosures', disclosuresBytes);

    // School catering's basis (a public task) leaves her the right to object; the tax office's does not.
    const objectBytes = await pages.weighed(page, () =>
      page.getByRole('button', { name: 'M’opposer aux transmissions à Restauration scolaire et crèches (commune)' }).first().click(),
    );
    assert.match(await page.getByRole('status').first().innerText(), /Votre opposition est enregistrée/);
    assert.equal(await page.locator('[data-objection="school-catering"]').count(), 1);
    assert.equal(await page.getByRole('button', { name: /M’opposer aux transmissions à Impôts/ }).count(), 0);
    await pages.bothLanguages(page, 'objected', objectBytes);
    const objections = await fetch(`${stack.relais.gatewayUrl}/v1/citizens/${change.pivotId}/objections`, {
      headers: { authorization: `Bearer ${stack.relais.devToken}` },
    });
    assert.deepEqual(
      ((await objections.json()) as { objections: { system: string; declaredBy: string }[] }).objections.map((o) => [
        o.system,
        o.declaredBy,
      ]),
      [['school-catering', 'jeanne.martin']],
    );

    await page.getByRole('button', { name: 'Retirer mon opposition à Restauration scolaire et crèches (commune)' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').first().innerText(), /Votre opposition est retirée/);
    assert.equal(await page.locator('[data-objection]').count(), 0);
    await page.close();
  });

  test('a citizen the register cannot tell from a homonym, and one it does not know, get a page saying so', async () => {
    for (const [login, identity, screen] of [
      ['jean-pierre.bernard', 'ambiguous', 'ambiguous'],
      ['camille.durand', 'not-found', 'not-found'],
    ] as const) {
      const page = await (await browser.newContext()).newPage();
      await logInAtProvider(page, site, login, 'Se connecter');
      assert.equal(await page.locator('[data-identity]').getAttribute('data-identity'), identity);
      await pages.bothLanguages(page, screen, await pages.weighed(page, () => page.reload()));
      // Nothing in their name either: the pages that act need a matched citizen.
      const move = await page.goto(`${site}/move`);
      assert.equal(move?.status(), 403);
      await page.close();
    }
  });
});

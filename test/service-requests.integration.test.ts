/**
 * A service request end to end on real parts: gateway (PostgreSQL store) → outbox → Kafka →
 * router (flows/waste-management.yaml, flows/email.yaml) → waste-management connector → the
 * vendor database on MariaDB → the agent resolves the incident at the desk → the connector's
 * source → Kafka → the gateway's status and timeline, and the citizen's French email read back
 * from the SMTP server it was sent to.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { listIncidents } from '../silos/waste-management/desk.ts';
import { addHousehold } from '../silos/waste-management/seed.ts';
import { eventually } from '@relais/connector-kit/testing';
import { devToken, startStack, type Stack } from './support/stack.ts';

const auth = { authorization: `Bearer ${devToken}`, 'relais-purpose': 'end-to-end test' };
const email = 'jeanne.martin@example.fr';

interface RequestView {
  id: string;
  pivotId: string;
  status: string;
  competentService: string;
  recipients: { system: string; status: string }[];
  history: { status: string; system?: string; comment?: string }[];
}

describe('a missed collection reported at the desk, resolved by the waste service, told to the citizen (MariaDB silo, PostgreSQL store)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      store: 'postgres',
      waste: 'mariadb',
      flows: ['social-services.yaml', 'waste-management.yaml', 'email.yaml'],
    });
    await addHousehold(stack.silos.waste.sql, {
      numero_foyer: 'FOY-E2E-1',
      adresse: { numero: '24', libelle_voie: 'rue Paul Bert', code_postal: '69003', commune: 'Lyon', code_insee: '69383' },
      usagers: [{ numero_usager: 'USG-E2E-1', nom: 'Martin', prenom: 'Jeanne' }],
    });
    await stack.link('waste-management', 'USG-E2E-1');
  });
  after(() => stack.stop());

  const post = (body: object, key: string) =>
    fetch(`${stack.relais.gatewayUrl}/v1/service-requests`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  const get = async (id: string) =>
    (await (await fetch(`${stack.relais.gatewayUrl}/v1/service-requests/${id}`, { headers: auth })).json()) as RequestView;

  test('routed to waste-management, recorded as an incident, resolved there: resolved at the gateway, in the timeline, and a French email arrives', async () => {
    const body = {
      citizen: { system: 'waste-management', id: 'USG-E2E-1' },
      channel: 'desk',
      category: 'waste.missed-collection',
      location: {
        address: {
          number: '24',
          streetName: 'rue Paul Bert',
          postcode: '69003',
          communeName: 'Lyon',
          communeInsee: '69383',
          country: 'FR',
        },
      },
      description: "Le bac jaune n'a pas été collecté mardi.",
      contact: { email },
    };
    const key = randomUUID();
    const response = await post(body, key);
    assert.equal(response.status, 202);
    const submitted = (await response.json()) as RequestView;
    assert.equal(response.headers.get('location'), `/v1/service-requests/${submitted.id}`);
    assert.equal(submitted.status, 'submitted');
    assert.equal(submitted.competentService, 'waste-management');
    assert.deepEqual(
      submitted.recipients.map((r) => [r.system, r.status]),
      [
        ['email', 'pending'],
        ['waste-management', 'pending'],
      ],
    );
    assert.equal(
      ((await (await post(body, key)).json()) as RequestView).id,
      submitted.id,
      'the same Idempotency-Key answers the same request',
    );

    const sql = stack.silos.waste.sql;
    const [incident] = await eventually(
      async () => {
        const found = await listIncidents(sql, { reference: submitted.id });
        return found.length > 0 ? found : undefined;
      },
      30_000,
      'the incident in the waste database',
    );
    assert.equal(incident!.categorie, 'COLLECTE_NON_EFFECTUEE');
    assert.equal(incident!.statut, 'OUVERT');
    assert.equal(incident!.canal, 'GUICHET', 'told at a desk: recorded as such by the vendor (its channel table)');
    // The service's own acknowledgement (the new incident, read by the connector's source).
    await eventually(async () => ((await get(submitted.id)).status === 'acknowledged' ? true : undefined), 30_000, 'the acknowledgement');

    const resolved = await fetch(`${stack.silos.waste.url}/incidents/${incident!.id_incident}/resolution`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commentaire: 'Bac collecté jeudi matin lors de la tournée de rattrapage.' }),
    });
    assert.equal(resolved.status, 200);

    const final = await eventually(
      async () => {
        const view = await get(submitted.id);
        return view.status === 'resolved' ? view : undefined;
      },
      30_000,
      'the request to be resolved',
    );
    assert.deepEqual(
      final.history.map((h) => h.status),
      ['submitted', 'acknowledged', 'resolved'],
    );
    assert.equal(final.history.at(-1)!.system, 'waste-management');
    assert.equal(final.history.at(-1)!.comment, 'Bac collecté jeudi matin lors de la tournée de rattrapage.');
    assert.deepEqual(
      final.recipients.map((r) => [r.system, r.status]),
      [
        ['email', 'applied'],
        ['waste-management', 'applied'],
      ],
    );

    const timeline = (await (
      await fetch(`${stack.relais.gatewayUrl}/v1/citizens/${submitted.pivotId}/timeline`, { headers: auth })
    ).json()) as {
      entries: { kind: string; changeId: string; requestStatus?: string }[];
    };
    const statuses = timeline.entries
      .filter((e) => e.kind === 'service_request' && e.changeId === submitted.id)
      .map((e) => e.requestStatus);
    assert.ok(statuses.includes('submitted') && statuses.includes('resolved'), `timeline statuses: ${statuses.join(', ')}`);

    const mailbox = stack.silos.mailbox!;
    const mail = await eventually(
      async () => mailbox.messages().find((m) => m.to.includes(email) && m.subject === 'Votre demande a été traitée'),
      30_000,
      'the email',
    );
    assert.match(mail.text, /Votre demande \(collecte des déchets non effectuée\) a été traitée par le service de gestion des déchets le /);
    assert.match(mail.text, /« Bac collecté jeudi matin lors de la tournée de rattrapage\. »/);
    assert.match(mail.text, new RegExp(`Référence de votre demande : ${submitted.id}`));
    assert.ok(
      mailbox.messages().some((m) => m.to.includes(email) && m.subject === 'Votre demande a bien été reçue'),
      'the acknowledgement of receipt too',
    );
  });

  test('a request no service handles is refused with the reason, and nothing is stored', async () => {
    const response = await post(
      {
        citizen: { system: 'waste-management', id: 'USG-E2E-1' },
        channel: 'web',
        category: 'waste.missed-collection',
        location: { communeInsee: '75056' },
      },
      randomUUID(),
    );
    assert.equal(response.status, 422);
    const problem = (await response.json()) as { code: string; errors: { field: string }[] };
    assert.equal(problem.code, 'validation-failed');
    assert.deepEqual(
      problem.errors.map((e) => e.field),
      ['/category'],
    );
  });

  test('an invalid location names the failing field; an unknown request is a 404; a request cannot be posted as a change', async () => {
    const invalid = await post(
      {
        citizen: { system: 'waste-management', id: 'USG-E2E-1' },
        channel: 'phone',
        category: 'waste.missed-collection',
        location: { address: { streetName: 'x', postcode: '6900', communeName: 'Lyon', country: 'FR' } },
      },
      randomUUID(),
    );
    assert.equal(invalid.status, 422);
    assert.ok(((await invalid.json()) as { errors: { field: string }[] }).errors.some((e) => e.field === '/location/address/postcode'));
    assert.equal((await fetch(`${stack.relais.gatewayUrl}/v1/service-requests/${randomUUID()}`, { headers: auth })).status, 404);
    const asChange = await fetch(`${stack.relais.gatewayUrl}/v1/changes`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'fr.relais.service-request.submitted.v1',
        citizen: { system: 'waste-management', id: 'USG-E2E-1' },
        channel: 'web',
        data: {
          requestId: 'SR-1',
          category: 'waste.missed-collection',
          location: { communeInsee: '69383' },
          status: 'submitted',
          competentService: 'waste-management',
        },
      }),
    });
    assert.equal(asChange.status, 422);
  });
});

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_DOSSIERS, seedStore } from './seed.ts';
import { startSocialServicesSilo, type SocialServicesSilo, type SocialServicesSiloOptions } from './server.ts';
import { SocialServicesStore } from './store.ts';
import type { Dossier, EntreeJournal, Erreur } from './types.ts';
import type { EtatPanne } from './faults.ts';
import { OPENAPI_URL } from './validation.ts';
import { componentValidators } from '../shared/openapi-validation.ts';

const API_KEY = 'cle-de-test';

interface Reply<T> {
  status: number;
  body: T;
}

class Client {
  readonly silo: SocialServicesSilo;
  readonly apiKey: string | undefined;

  constructor(silo: SocialServicesSilo, apiKey: string | undefined = API_KEY) {
    this.silo = silo;
    this.apiKey = apiKey;
  }

  async call<T>(
    method: string,
    route: string,
    options: { body?: unknown; rawBody?: string; idempotencyKey?: string; apiKey?: string | null; signal?: AbortSignal } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    const apiKey = options.apiKey === undefined ? this.apiKey : options.apiKey;
    if (apiKey !== null && apiKey !== undefined) headers['X-Api-Key'] = apiKey;
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.silo.url}${route}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
  }

  create(dossier: unknown): Promise<Reply<Dossier>> {
    return this.call('POST', '/dossiers', { body: dossier });
  }
  get(numero: string): Promise<Reply<Dossier>> {
    return this.call('GET', `/dossiers/${numero}`);
  }
  changeAddress(numero: string, body: unknown, idempotencyKey: string, signal?: AbortSignal): Promise<Reply<Dossier>> {
    return this.call('PUT', `/dossiers/${numero}/adresse`, { body, idempotencyKey, ...(signal ? { signal } : {}) });
  }
  close(numero: string, body: unknown, idempotencyKey: string): Promise<Reply<Dossier>> {
    return this.call('POST', `/dossiers/${numero}/cloture`, { body, idempotencyKey });
  }
  journal(numero: string): Promise<Reply<EntreeJournal[]>> {
    return this.call('GET', `/dossiers/${numero}/journal`);
  }
  setFault(configuration: unknown): Promise<Reply<EtatPanne>> {
    return this.call('PUT', '/_admin/pannes', { body: configuration, apiKey: null });
  }
  fault(): Promise<Reply<EtatPanne>> {
    return this.call('GET', '/_admin/pannes', { apiKey: null });
  }
  clearFault(): Promise<Reply<EtatPanne>> {
    return this.call('DELETE', '/_admin/pannes', { apiKey: null });
  }
}

async function withSilo(run: (client: Client) => Promise<void>, options: SocialServicesSiloOptions = {}): Promise<void> {
  const silo = await startSocialServicesSilo({ port: 0, apiKey: API_KEY, ...options });
  try {
    await run(new Client(silo));
  } finally {
    await silo.close();
  }
}

const MARTIN = {
  numeroDossier: 'SS-000123',
  nom: 'Martin',
  prenoms: 'Jeanne Marie',
  adresse: { numeroVoie: '12', libelleVoie: 'rue de la République', codePostal: '69002', commune: 'Lyon', codeInsee: '69382' },
};

const NEW_ADDRESS = {
  adresse: { numeroVoie: '4', indiceRepetition: 'bis', libelleVoie: 'quai Claude Bernard', codePostal: '69007', commune: 'Lyon' },
  dateEffet: '2025-03-01',
};

const OTHER_ADDRESS = {
  adresse: { libelleVoie: 'place Bellecour', codePostal: '69002', commune: 'Lyon', pays: 'FRANCE' },
  dateEffet: '2025-04-01',
};

/** Creates Martin's file and returns it. */
async function withMartin(client: Client): Promise<Dossier> {
  const created = await client.create(MARTIN);
  assert.equal(created.status, 201);
  return created.body;
}

test('GET /healthz answers 200 without authentication', async () => {
  await withSilo(async (client) => {
    const reply = await client.call<{ statut: string }>('GET', '/healthz', { apiKey: null });
    assert.deepEqual(reply, { status: 200, body: { statut: 'ok' } });
  });
});

test('POST /dossiers creates an open file with pays defaulting to FRANCE; a second one is 409', async () => {
  await withSilo(async (client) => {
    const created = await client.create(MARTIN);
    assert.equal(created.status, 201);
    assert.equal(created.body.statut, 'ouvert');
    assert.deepEqual(created.body.adresse, { ...MARTIN.adresse, pays: 'FRANCE' });
    const read = await client.get('SS-000123');
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);
    const again = await client.create({ ...MARTIN, nom: 'Autre' });
    assert.equal(again.status, 409);
    assert.equal((again.body as unknown as Erreur).code, 'DOSSIER_EXISTANT');
    assert.equal((await client.get('SS-000123')).body.nom, 'Martin');
  });
});

test('PUT adresse applies the address, visible on GET, journaled exactly as received', async () => {
  await withSilo(async (client) => {
    await withMartin(client);
    const reply = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-1');
    assert.equal(reply.status, 200);
    const read = await client.get('SS-000123');
    assert.deepEqual(read.body.adresse, { ...NEW_ADDRESS.adresse, pays: 'FRANCE' });
    assert.equal(read.body.dateEffetAdresse, '2025-03-01');
    assert.deepEqual(read.body, reply.body);

    const journal = await client.journal('SS-000123');
    assert.equal(journal.status, 200);
    assert.equal(journal.body.length, 1);
    const [entry] = journal.body;
    assert.ok(entry);
    assert.equal(entry.operation, 'changerAdresse');
    assert.equal(entry.idempotencyKey, 'cle-1');
    assert.deepEqual(entry.body, NEW_ADDRESS); // no default added: the body as it arrived
    assert.equal(entry.statutHttp, 200);
    assert.equal(entry.rejoue, false);
    assert.ok(!Number.isNaN(Date.parse(entry.recuLe)));
  });
});

test('the same Idempotency-Key replays the stored response without applying twice', async () => {
  await withSilo(async (client) => {
    await withMartin(client);
    const first = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-rejeu');
    await delay(5);
    const second = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-rejeu');
    assert.equal(second.status, first.status);
    assert.deepEqual(second.body, first.body);
    assert.equal((await client.get('SS-000123')).body.misAJourLe, first.body.misAJourLe);

    // Key order does not make it another body.
    const reordered = { dateEffet: NEW_ADDRESS.dateEffet, adresse: NEW_ADDRESS.adresse };
    assert.equal((await client.changeAddress('SS-000123', reordered, 'cle-rejeu')).status, 200);

    // The same key with another body is refused and changes nothing.
    const reused = await client.changeAddress('SS-000123', OTHER_ADDRESS, 'cle-rejeu');
    assert.equal(reused.status, 422);
    assert.equal((reused.body as unknown as Erreur).code, 'CLE_IDEMPOTENCE_REUTILISEE');
    assert.deepEqual((await client.get('SS-000123')).body, first.body);

    const journal = (await client.journal('SS-000123')).body;
    assert.deepEqual(
      journal.map((e) => [e.idempotencyKey, e.statutHttp, e.rejoue]),
      [
        ['cle-rejeu', 200, false],
        ['cle-rejeu', 200, true],
        ['cle-rejeu', 200, true],
        ['cle-rejeu', 422, false],
      ],
    );
    assert.equal(journal.filter((e) => e.statutHttp === 200 && !e.rejoue).length, 1);

    // A new key applies again.
    const other = await client.changeAddress('SS-000123', OTHER_ADDRESS, 'cle-2');
    assert.equal(other.status, 200);
    assert.equal((await client.get('SS-000123')).body.adresse.libelleVoie, 'place Bellecour');
  });
});

test('unknown file: 404 DOSSIER_INCONNU on GET and writes, the attempt is journaled', async () => {
  await withSilo(async (client) => {
    const read = await client.get('SS-999999');
    assert.equal(read.status, 404);
    assert.deepEqual(read.body, { code: 'DOSSIER_INCONNU', message: 'Aucun dossier SS-999999.' });
    assert.equal((await client.journal('SS-999999')).status, 404);

    const write = await client.changeAddress('SS-999999', NEW_ADDRESS, 'cle-inconnu');
    assert.equal(write.status, 404);
    assert.equal((write.body as unknown as Erreur).code, 'DOSSIER_INCONNU');
    const closing = await client.close('SS-999999', { motif: 'AUTRE', dateCloture: '2025-01-01' }, 'cle-inconnu-2');
    assert.equal(closing.status, 404);

    const journal = (await client.journal('SS-999999')).body;
    assert.deepEqual(
      journal.map((e) => [e.operation, e.statutHttp, e.codeErreur]),
      [
        ['changerAdresse', 404, 'DOSSIER_INCONNU'],
        ['cloturerDossier', 404, 'DOSSIER_INCONNU'],
      ],
    );
    assert.equal((await client.get('SS-999999')).status, 404);
  });
});

test('closure: closes the file, replays on the same key, 409 DOSSIER_CLOS on another key and on address change', async () => {
  await withSilo(async (client) => {
    const before = await withMartin(client);
    const demande = { motif: 'DECES', dateDeces: '2025-02-10', dateCloture: '2025-02-12' };
    const closed = await client.close('SS-000123', demande, 'cloture-1');
    assert.equal(closed.status, 200);
    assert.equal(closed.body.statut, 'clos');
    assert.equal(closed.body.motifCloture, 'DECES');
    assert.equal(closed.body.dateDeces, '2025-02-10');
    assert.equal(closed.body.dateCloture, '2025-02-12');
    assert.deepEqual(closed.body.adresse, before.adresse);
    assert.deepEqual((await client.get('SS-000123')).body, closed.body);

    const replay = await client.close('SS-000123', demande, 'cloture-1');
    assert.deepEqual(replay, closed);

    const again = await client.close('SS-000123', { motif: 'AUTRE', dateCloture: '2025-03-01' }, 'cloture-2');
    assert.equal(again.status, 409);
    assert.equal((again.body as unknown as Erreur).code, 'DOSSIER_CLOS');

    const move = await client.changeAddress('SS-000123', NEW_ADDRESS, 'adresse-apres-cloture');
    assert.equal(move.status, 409);
    assert.deepEqual(move.body, { code: 'DOSSIER_CLOS', message: 'Le dossier SS-000123 est clos.' });
    assert.deepEqual((await client.get('SS-000123')).body, closed.body);

    const journal = (await client.journal('SS-000123')).body;
    assert.deepEqual(
      journal.map((e) => [e.operation, e.idempotencyKey, e.statutHttp, e.rejoue]),
      [
        ['cloturerDossier', 'cloture-1', 200, false],
        ['cloturerDossier', 'cloture-1', 200, true],
        ['cloturerDossier', 'cloture-2', 409, false],
        ['changerAdresse', 'adresse-apres-cloture', 409, false],
      ],
    );

    const badMotif = await client.close('SS-000456', { motif: 'MUTATION', dateCloture: '2025-03-01' }, 'cloture-3');
    assert.equal(badMotif.status, 422);
  });
});

test('422 REQUETE_INVALIDE for an unknown property or a broken field; nothing applied, the body journaled as received', async () => {
  await withSilo(async (client) => {
    const before = await withMartin(client);
    const extraTop = { ...NEW_ADDRESS, nir: '1850775123456' };
    const reply = await client.changeAddress('SS-000123', extraTop, 'cle-a');
    assert.equal(reply.status, 422);
    const error = reply.body as unknown as Erreur;
    assert.equal(error.code, 'REQUETE_INVALIDE');
    assert.match(error.message, /nir/);

    const extraNested = { ...NEW_ADDRESS, adresse: { ...NEW_ADDRESS.adresse, dateNaissance: '1985-07-01' } };
    const nested = await client.changeAddress('SS-000123', extraNested, 'cle-b');
    assert.equal(nested.status, 422);
    assert.match((nested.body as unknown as Erreur).message, /\/adresse.*dateNaissance/);

    const badPostcode = await client.changeAddress(
      'SS-000123',
      { ...NEW_ADDRESS, adresse: { ...NEW_ADDRESS.adresse, codePostal: '6900' } },
      'cle-c',
    );
    assert.equal(badPostcode.status, 422);
    const badDate = await client.changeAddress('SS-000123', { ...NEW_ADDRESS, dateEffet: '2025-02-30' }, 'cle-d');
    assert.equal(badDate.status, 422);
    const missing = await client.changeAddress('SS-000123', { adresse: NEW_ADDRESS.adresse }, 'cle-e');
    assert.equal(missing.status, 422);

    const notJson = await client.call<Erreur>('PUT', '/dossiers/SS-000123/adresse', { rawBody: '{pas du json', idempotencyKey: 'cle-f' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.code, 'CORPS_ILLISIBLE');
    const noKey = await client.call<Erreur>('PUT', '/dossiers/SS-000123/adresse', { body: NEW_ADDRESS });
    assert.equal(noKey.status, 400);
    assert.equal(noKey.body.code, 'CLE_IDEMPOTENCE_MANQUANTE');

    const badCreate = await client.create({ ...MARTIN, numeroDossier: 'SS-000124', nir: '1' });
    assert.equal(badCreate.status, 422);
    assert.equal((await client.get('SS-000124')).status, 404);

    assert.deepEqual((await client.get('SS-000123')).body, before);
    const journal = (await client.journal('SS-000123')).body;
    assert.deepEqual(
      journal.map((e) => [e.idempotencyKey, e.statutHttp]),
      [
        ['cle-a', 422],
        ['cle-b', 422],
        ['cle-c', 422],
        ['cle-d', 422],
        ['cle-e', 422],
        ['cle-f', 400],
        [null, 400],
      ],
    );
    assert.deepEqual(journal[0]?.body, extraTop);
    assert.deepEqual(journal[1]?.body, extraNested);
    assert.equal(journal[5]?.body, '{pas du json');

    // A key refused for its body is not burnt: a valid body with it applies.
    assert.equal((await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-a')).status, 200);
  });
});

test('401 NON_AUTHENTIFIE without or with a wrong X-Api-Key; nothing applied or journaled', async () => {
  await withSilo(async (client) => {
    await withMartin(client);
    for (const apiKey of [null, 'mauvaise-cle']) {
      const read = await client.call<Erreur>('GET', '/dossiers/SS-000123', { apiKey });
      assert.equal(read.status, 401);
      assert.equal(read.body.code, 'NON_AUTHENTIFIE');
      const write = await client.call<Erreur>('PUT', '/dossiers/SS-000123/adresse', { body: NEW_ADDRESS, idempotencyKey: 'k', apiKey });
      assert.equal(write.status, 401);
      assert.equal((await client.call('GET', '/dossiers/SS-000123/journal', { apiKey })).status, 401);
      assert.equal((await client.call('POST', '/dossiers', { body: { ...MARTIN, numeroDossier: 'SS-000777' }, apiKey })).status, 401);
    }
    assert.equal((await client.get('SS-000123')).body.adresse.libelleVoie, MARTIN.adresse.libelleVoie);
    assert.deepEqual((await client.journal('SS-000123')).body, []);
    assert.equal((await client.get('SS-000777')).status, 404);
  });
});

test('no configured API key: no check', async () => {
  const silo = await startSocialServicesSilo({ port: 0 });
  try {
    const client = new Client(silo, undefined);
    assert.equal((await client.create(MARTIN)).status, 201);
    assert.equal((await client.get('SS-000123')).status, 200);
  } finally {
    await silo.close();
  }
});

test('fault erreur (persistent): every write gets 503 with no effect, journaled; cleared, the same key applies', async () => {
  await withSilo(async (client) => {
    const before = await withMartin(client);
    const configured = await client.setFault({ mode: 'erreur' });
    assert.deepEqual(configured.body, { mode: 'erreur', statut: 503, message: 'Service indisponible (panne simulée)', declenchements: 0 });

    for (let attempt = 0; attempt < 3; attempt++) {
      const reply = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-panne');
      assert.equal(reply.status, 503);
      assert.deepEqual(reply.body, { code: 'ERREUR_SIMULEE', message: 'Service indisponible (panne simulée)' });
    }
    const closing = await client.close('SS-000123', { motif: 'AUTRE', dateCloture: '2025-01-01' }, 'cloture-panne');
    assert.equal(closing.status, 503);
    // Reads are not affected.
    assert.deepEqual((await client.get('SS-000123')).body, before);
    assert.deepEqual((await client.fault()).body, {
      mode: 'erreur',
      statut: 503,
      message: 'Service indisponible (panne simulée)',
      declenchements: 4,
    });

    assert.deepEqual((await client.clearFault()).body, { mode: 'aucune', declenchements: 0 });
    const retry = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-panne');
    assert.equal(retry.status, 200);
    assert.equal((await client.get('SS-000123')).body.adresse.libelleVoie, 'quai Claude Bernard');

    const journal = (await client.journal('SS-000123')).body;
    assert.deepEqual(
      journal.map((e) => [e.operation, e.statutHttp, e.rejoue, e.panne ?? null]),
      [
        ['changerAdresse', 503, false, 'erreur'],
        ['changerAdresse', 503, false, 'erreur'],
        ['changerAdresse', 503, false, 'erreur'],
        ['cloturerDossier', 503, false, 'erreur'],
        ['changerAdresse', 200, false, null],
      ],
    );
  });
});

test('fault erreur with restant=2 and a custom status: two writes fail, the third applies', async () => {
  await withSilo(async (client) => {
    await withMartin(client);
    const configured = await client.setFault({ mode: 'erreur', statut: 500, restant: 2, message: 'Base indisponible' });
    assert.equal(configured.body.restant, 2);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-retry')).status);
    }
    assert.deepEqual(statuses, [500, 500, 200]);
    assert.deepEqual((await client.fault()).body, { mode: 'aucune', declenchements: 2 });
    const journal = (await client.journal('SS-000123')).body;
    assert.deepEqual(
      journal.map((e) => [e.statutHttp, e.codeErreur ?? null]),
      [
        [500, 'ERREUR_SIMULEE'],
        [500, 'ERREUR_SIMULEE'],
        [200, null],
      ],
    );
    assert.equal(journal.filter((e) => e.statutHttp === 200 && !e.rejoue).length, 1);
  });
});

test('fault refus: the configured 4xx with REFUS_SIMULE, nothing applied; wrong status class refused', async () => {
  await withSilo(async (client) => {
    const before = await withMartin(client);
    await client.setFault({ mode: 'refus' });
    const reply = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-refus');
    assert.equal(reply.status, 422);
    assert.deepEqual(reply.body, { code: 'REFUS_SIMULE', message: 'Requête refusée (refus simulé)' });

    await client.setFault({ mode: 'refus', statut: 403, message: 'Habilitation insuffisante', restant: 1 });
    const forbidden = await client.close('SS-000123', { motif: 'AUTRE', dateCloture: '2025-01-01' }, 'cle-refus-2');
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.body, { code: 'REFUS_SIMULE', message: 'Habilitation insuffisante' });
    assert.deepEqual((await client.get('SS-000123')).body, before);
    assert.equal((await client.fault()).body.mode, 'aucune');

    const wrongClass = await client.setFault({ mode: 'refus', statut: 503 });
    assert.equal(wrongClass.status, 422);
    const unknownMode = await client.setFault({ mode: 'coupure' });
    assert.equal(unknownMode.status, 422);
    const unknownField = await client.setFault({ mode: 'erreur', pourcentage: 50 });
    assert.equal(unknownField.status, 422);

    assert.deepEqual(
      (await client.journal('SS-000123')).body.map((e) => [e.statutHttp, e.codeErreur, e.panne]),
      [
        [422, 'REFUS_SIMULE', 'refus'],
        [403, 'REFUS_SIMULE', 'refus'],
      ],
    );
  });
});

test('fault lenteur: the write answers after delaiMs and is applied', async () => {
  await withSilo(async (client) => {
    await withMartin(client);
    await client.setFault({ mode: 'lenteur', delaiMs: 300, restant: 1 });
    const started = performance.now();
    const reply = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-lente');
    const elapsed = performance.now() - started;
    assert.equal(reply.status, 200);
    assert.ok(elapsed >= 290, `answered after ${elapsed} ms`);
    assert.equal((await client.get('SS-000123')).body.adresse.libelleVoie, 'quai Claude Bernard');
    const [entry] = (await client.journal('SS-000123')).body;
    assert.equal(entry?.statutHttp, 200);
    assert.equal(entry?.panne, 'lenteur');

    // restant=1: the next write is fast again.
    const fastStart = performance.now();
    assert.equal((await client.changeAddress('SS-000123', OTHER_ADDRESS, 'cle-rapide')).status, 200);
    assert.ok(performance.now() - fastStart < 250);
  });
});

test('fault lenteur: a request whose client gave up is applied once after the delay; the retry replays', async () => {
  await withSilo(async (client) => {
    const before = await withMartin(client);
    await client.setFault({ mode: 'lenteur', delaiMs: 400, restant: 1 });
    await assert.rejects(client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-abandon', AbortSignal.timeout(50)), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.name, /TimeoutError|AbortError/);
      return true;
    });
    // Not applied yet while the delay runs…
    assert.deepEqual((await client.get('SS-000123')).body, before);
    await delay(550);
    // …applied once it is over, although nobody was listening.
    const after = (await client.get('SS-000123')).body;
    assert.equal(after.adresse.libelleVoie, 'quai Claude Bernard');

    const retry = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-abandon');
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, after);
    assert.deepEqual(
      (await client.journal('SS-000123')).body.map((e) => [e.statutHttp, e.rejoue, e.panne ?? null]),
      [
        [200, false, 'lenteur'],
        [200, true, null],
      ],
    );
  });
});

test('fault lenteur: two concurrent requests with one key apply once', async () => {
  await withSilo(async (client) => {
    await withMartin(client);
    await client.setFault({ mode: 'lenteur', delaiMs: 150 });
    const [a, b] = await Promise.all([
      client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-double'),
      client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-double'),
    ]);
    assert.equal(a.status, 200);
    assert.deepEqual(b, a);
    const journal = (await client.journal('SS-000123')).body;
    assert.deepEqual(journal.map((e) => e.rejoue).sort(), [false, true]);
    assert.equal((await client.fault()).body.declenchements, 2);
  });
});

test('persistence: files, journal and idempotency keys survive a restart on the same dataDir', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'relais-social-services-'));
  try {
    let applied: Dossier | undefined;
    await withSilo(
      async (client) => {
        await withMartin(client);
        applied = (await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-persistante')).body;
      },
      { dataDir },
    );
    assert.deepEqual(await readdir(dataDir), ['social-services.json']); // no temp file left behind

    await withSilo(
      async (client) => {
        assert.deepEqual((await client.get('SS-000123')).body, applied);
        const replay = await client.changeAddress('SS-000123', NEW_ADDRESS, 'cle-persistante');
        assert.deepEqual(replay, { status: 200, body: applied });
        assert.deepEqual(
          (await client.journal('SS-000123')).body.map((e) => [e.idempotencyKey, e.rejoue]),
          [
            ['cle-persistante', false],
            ['cle-persistante', true],
          ],
        );
      },
      { dataDir },
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('without dataDir the data lives in memory only', async () => {
  await withSilo(async (client) => {
    await withMartin(client);
  });
  await withSilo(async (client) => {
    assert.equal((await client.get('SS-000123')).status, 404);
  });
});

test('seedStore loads the demo files once, served by the API', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'relais-social-services-seed-'));
  try {
    const store = await SocialServicesStore.open({ dataDir });
    assert.equal(await seedStore(store), DEMO_DOSSIERS.length);
    assert.equal(await seedStore(store), 0);
    await store.flush();
    await withSilo(
      async (client) => {
        const martin = await client.get('SS-000123');
        assert.equal(martin.status, 200);
        assert.equal(martin.body.nom, 'Martin');
        assert.equal(martin.body.adresse.commune, 'Lyon');
        for (const demo of DEMO_DOSSIERS) assert.equal((await client.get(demo.numeroDossier)).status, 200);
      },
      { dataDir },
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('responses match the schemas of openapi.yaml', async () => {
  const validator = componentValidators(OPENAPI_URL);
  const check = (schema: string, value: unknown): void => {
    const checked = validator(schema)(value);
    assert.ok(checked.ok, `${schema}: ${checked.ok ? '' : checked.message}`);
  };

  await withSilo(async (client) => {
    check('Dossier', (await client.create(MARTIN)).body);
    check('Dossier', (await client.changeAddress('SS-000123', NEW_ADDRESS, 'k1')).body);
    check('Erreur', (await client.changeAddress('SS-000123', { nope: 1 }, 'k2')).body);
    check('Dossier', (await client.close('SS-000123', { motif: 'DECES', dateDeces: '2025-01-02', dateCloture: '2025-01-03' }, 'k3')).body);
    check('Erreur', (await client.call('GET', '/dossiers/SS-000123', { apiKey: null })).body);
    check('EtatPanne', (await client.setFault({ mode: 'lenteur', delaiMs: 1, restant: 3 })).body);
    check('EtatPanne', (await client.fault()).body);
    check('EtatPanne', (await client.clearFault()).body);
    check('Sante', (await client.call('GET', '/healthz')).body);
    const journal = (await client.journal('SS-000123')).body;
    assert.equal(journal.length, 3);
    for (const entry of journal) check('EntreeJournal', entry);
  });
});

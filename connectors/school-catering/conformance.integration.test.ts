/** school-catering passes the sink conformance suite (packages/connector-kit/src/conformance) against its simulator. */
import { randomInt } from 'node:crypto';
import { sinkConformance } from '@relais/connector-kit/testing';
import { startSchoolCateringSilo, type SchoolCateringSilo } from '../../silos/school-catering/server.ts';
import type { EntreeJournal } from '../../silos/school-catering/types.ts';
import { SchoolCateringClient } from './client.ts';
import { createSchoolCateringSink } from './sink.ts';
import { ADDRESS_CHANGED_V1 } from '@relais/connector-kit';

const token = 'conformance-token';
const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69006', communeName: 'Lyon' },
  effectiveDate: '2026-11-01',
};

interface Silo {
  server: SchoolCateringSilo;
  families: string[];
}

/** A new family with one parent; resolves to the parent's number (the citizen's identifier here). */
async function newFamily(silo: Silo): Promise<string> {
  const n = String(randomInt(100_000, 999_999));
  const response = await fetch(`${silo.server.url}/familles`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      numeroFamille: `FAM-${n}`,
      adresseFacturation: { voie: 'rue A', codePostal: '69001', ville: 'Lyon' },
      payeur: `PER-${n}`,
      membres: [{ numeroPersonne: `PER-${n}`, nom: 'Test', prenom: 'Test', role: 'RESPONSABLE_LEGAL' }],
    }),
  });
  if (response.status !== 201) throw new Error(`creating a family: ${response.status}`);
  silo.families.push(`FAM-${n}`);
  return `PER-${n}`;
}

const setFault = (silo: Silo, fault: Record<string, unknown>) =>
  fetch(`${silo.server.url}/_admin/pannes`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });

sinkConformance<Silo>({
  system: 'school-catering',
  startSilo: async () => ({ server: await startSchoolCateringSilo({ token }), families: [] }),
  stopSilo: (silo) => silo.server.close(),
  createSink: (silo) => createSchoolCateringSink(new SchoolCateringClient({ baseUrl: silo.server.url, token })),
  delivery: async (silo) => ({ type: ADDRESS_CHANGED_V1, citizenId: await newFamily(silo), data: address }),
  // The silo's journal: one entry per write request, `rejoue` when its idempotency key came back.
  async effects(silo, eventId) {
    let count = 0;
    for (const family of silo.families) {
      const journal = (await (await fetch(`${silo.server.url}/familles/${family}/journal`, { headers })).json()) as EntreeJournal[];
      count += journal.filter((e) => e.cleIdempotence === eventId && e.statutHttp === 200 && !e.rejoue).length;
    }
    return count;
  },
  refusal: () => ({ delivery: { type: ADDRESS_CHANGED_V1, citizenId: 'PER-000000', data: address }, reason: /404 PERSONNE_INCONNUE/ }),
  poison: async (silo) => ({
    type: ADDRESS_CHANGED_V1,
    citizenId: await newFamily(silo),
    data: { effectiveDate: '2026-11-01', address: { postcode: '69003' } },
  }),
  async stall(silo) {
    // Writes answer after 3 s, then apply: a client that gave up finds the write applied on retry.
    await setFault(silo, { mode: 'lenteur', delaiMs: 3000 });
    return async () => void (await setFault(silo, { mode: 'aucune' }));
  },
});

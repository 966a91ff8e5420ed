/** civil-registry passes the source conformance suite (packages/connector-kit/src/conformance) against its SOAP simulator. */
import { sourceConformance } from '@relais/connector-kit/testing';
import { startCivilRegistrySilo, type CivilRegistrySilo } from '../../silos/civil-registry/server.ts';
import { CivilRegistryClient } from './client.ts';
import { createCivilRegistrySource } from './source.ts';

const credentials = { username: 'relais', password: 'registre-secret' };
const lyon = { commune: 'Lyon', codeInsee: '69383', codePays: 'FR' };

const setFault = (silo: CivilRegistrySilo, fault: Record<string, unknown>) =>
  fetch(`${silo.url}/_admin/pannes`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });

sourceConformance<CivilRegistrySilo>({
  system: 'civil-registry',
  startSilo: () => startCivilRegistrySilo({ credentials }),
  stopSilo: (silo) => silo.close(),
  createSource: (silo) => createCivilRegistrySource(new CivilRegistryClient({ url: silo.soapUrl, ...credentials, timeoutMs: 30_000 }), 2),
  // A birth: one new person and one event in the register's log.
  append: async (silo) =>
    void (await silo.registre.enregistrerEvenement({
      type: 'NAISSANCE',
      dateEvenement: '2026-11-21',
      lieu: lyon,
      naissance: { nomNaissance: 'Durand', prenoms: 'Léa', sexe: 'F' },
    })),
  async stall(silo) {
    await setFault(silo, { mode: 'lenteur', delaiMs: 2500 });
    return async () => void (await setFault(silo, { mode: 'aucune' }));
  },
});

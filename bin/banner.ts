/** What the quick start prints once everything runs: where to look, and demo requests to paste. */
import type { RunningRelais } from './start-all.ts';

type RelaisInfo = Omit<RunningRelais, 'stop'>;

export function banner(running: RelaisInfo): string {
  const body = JSON.stringify({
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { system: 'social-services', id: 'SS-000123' },
    channel: 'web',
    data: {
      address: {
        number: '12',
        suffix: 'bis',
        streetName: 'rue des Lilas',
        postcode: '69003',
        communeName: 'Lyon',
        communeInsee: '69383',
        country: 'FR',
      },
      effectiveDate: new Date().toISOString().slice(0, 10),
    },
  });
  const request = JSON.stringify({
    citizen: { system: 'waste-management', id: 'USG-000123' },
    channel: 'desk',
    category: 'waste.missed-collection',
    location: {
      address: { number: '24', streetName: 'rue Paul Bert', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
    },
    description: 'Bac jaune non collecté mardi.',
    contact: { email: 'jeanne.martin@example.fr' },
  });
  const registry = running.siloUrls['civil-registry'] ?? '';
  const today = new Date().toISOString().slice(0, 10);
  const homonym = {
    birthName: 'Bernard',
    givenNames: ['Jean-Pierre'],
    dateOfBirth: '1962-07-14',
    placeOfBirth: { communeName: 'Lyon', country: 'FR' },
  };
  const household = JSON.stringify({
    foyer: [
      { nom: 'Nguyen', prenoms: 'Paul', lien: 'DEMANDEUR' },
      { nom: 'Nguyen', prenoms: 'Lina', dateNaissance: '2019-03-02', lien: 'ENFANT', aCharge: true },
    ],
    dateEffet: today,
  });
  const death = JSON.stringify({
    type: 'DECES',
    personne: 'EC-00000123',
    dateEvenement: today,
    lieu: { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' },
  });
  return [
    '',
    `Relais is running (store: ${running.store}, Kafka: ${running.brokers}).`,
    `  gateway         ${running.gatewayUrl}   (API: ${running.gatewayUrl}/openapi.json)`,
    `  dev credential  ${running.devToken}`,
    `  social-services ${running.siloUrls['social-services']} (simulator)`,
    `  waste desk      ${running.siloUrls['waste-management']} (simulator's agent desk)`,
    `  school catering ${running.siloUrls['school-catering']} (simulator: families' canteen and nursery billing)`,
    ...(running.siloUrls['tax'] ? [`  tax (SFTP)      ${running.siloUrls['tax']} (simulator; files under .relais/silos/tax/sftp/)`] : []),
    `  civil registry  ${registry}/registre?wsdl (SOAP simulator; its desk: ${registry}/_admin/evenements)`,
    ...(running.siloUrls['email']
      ? [`  mailbox         ${running.siloUrls['email']} (emails to citizens, kept under .relais/silos/email/)`]
      : []),
    '',
    'Tell Relais that a demo citizen moved:',
    `  curl -s -X POST ${running.gatewayUrl}/v1/changes -H 'Authorization: Bearer ${running.devToken}' -H 'Content-Type: application/json' -d '${body}'`,
    'Then follow it (use the id from the answer):',
    `  curl -s ${running.gatewayUrl}/v1/changes/<id> -H 'Authorization: Bearer ${running.devToken}'`,
    'And see it in the silo:',
    `  curl -s ${running.siloUrls['social-services']}/dossiers/SS-000123`,
    `  curl -s ${running.siloUrls['school-catering']}/familles/FAM-000123   (school catering: the family's billing address)`,
    'The tax office gets it in the next batch file (within 15 s here) and answers with an acknowledgement:',
    '  ls .relais/silos/tax/sftp/inbox/processed .relais/silos/tax/sftp/outbox/archive',
    '',
    'Report a missed bin collection at the desk (then resolve the incident at the waste desk):',
    `  curl -s -X POST ${running.gatewayUrl}/v1/service-requests -H 'Authorization: Bearer ${running.devToken}' -H 'Content-Type: application/json' -d '${request}'`,
    `  curl -s ${running.siloUrls['waste-management']}/incidents?reference=<id>`,
    `  curl -s -X POST ${running.siloUrls['waste-management']}/incidents/<incident>/resolution -H 'Content-Type: application/json' -d '{"commentaire":"Bac collecté ce matin."}'`,
    `  curl -s ${running.gatewayUrl}/v1/service-requests/<id> -H 'Authorization: Bearer ${running.devToken}'`,
    '',
    'Name a citizen by civil data instead of an identifier (two Jean-Pierre Bernard were born that day: the change is held for an agent):',
    `  curl -s -X POST ${running.gatewayUrl}/v1/changes -H 'Authorization: Bearer ${running.devToken}' -H 'Content-Type: application/json' -d '${JSON.stringify({ ...JSON.parse(body), citizen: { civil: homonym } })}'`,
    `  curl -s ${running.gatewayUrl}/v1/identity-reviews -H 'Authorization: Bearer ${running.devToken}'`,
    `  curl -s -X POST ${running.gatewayUrl}/v1/identity-reviews/<review id>/decision -H 'Authorization: Bearer ${running.devToken}' -H 'Content-Type: application/json' -d '{"decision":"match","registerId":"EC-00000901"}'`,
    '',
    'A household recorded at the social-services desk is told to Relais by signed webhook:',
    `  curl -s -X POST ${running.siloUrls['social-services']}/_guichet/dossiers/SS-000456/foyer -H 'Content-Type: application/json' -d '${household}'`,
    '',
    'Last: the town hall records the death of Jeanne Martin (EC-00000123); social services closes file SS-000123 by itself:',
    `  curl -s -X POST ${registry}/_admin/evenements -H 'Content-Type: application/json' -d '${death}'`,
    `  curl -s ${running.siloUrls['social-services']}/dossiers/SS-000123`,
    `  curl -s ${running.siloUrls['school-catering']}/familles/FAM-000123   (she paid the bills: the family is flagged to contact)`,
    '',
    'Ctrl-C stops everything, the Kafka broker included.',
  ].join('\n');
}

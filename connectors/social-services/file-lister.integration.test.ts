/**
 * social-services' file lister passes the file lister conformance suite against its simulator
 * (a real HTTP server), with pages smaller than the population so that resuming crosses pages.
 */
import { fileListerConformance } from '@relais/connector-kit/testing';
import { startSocialServicesSilo, type SocialServicesSilo } from '../../silos/social-services/server.ts';
import { openSocialServicesFile } from '../../test/support/social-services-files.ts';
import { SocialServicesClient } from './client.ts';
import { createSocialServicesFileLister } from './file-lister.ts';

const apiKey = 'lister-key';

fileListerConformance<SocialServicesSilo>({
  system: 'social-services',
  async startSilo(files) {
    const silo = await startSocialServicesSilo({ apiKey });
    for (let i = 0; i < files; i++)
      await openSocialServicesFile(
        { url: silo.url, apiKey },
        {
          numeroDossier: `SS-${String(i).padStart(6, '0')}`,
          nom: 'Martin',
          prenoms: `Jeanne N${i}`,
          naissance: { date: '1980-02-01', commune: 'Lyon', codeInsee: '69123', pays: 'FR' },
        },
      );
    return silo;
  },
  stopSilo: (silo) => silo.close(),
  createFileLister: (silo) => createSocialServicesFileLister(new SocialServicesClient({ baseUrl: silo.url, apiKey }), { pageSize: 10 }),
});

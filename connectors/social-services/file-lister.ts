/**
 * social-services file lister: the beneficiaries' files with their birth data, for onboarding
 * the population (`relais identities import social-services --from-silo`), page by page through
 * the silo's `GET /dossiers?apres=…&limite=…` (file numbers ascending). A file's cursor is its
 * number, so a listing resumed from it asks for the files after it.
 */
import type { Checkpoint, FileLister, SiloFile, SourceContext } from '@relais/connector-kit';
import type { SocialServicesClient } from './client.ts';
import { toSiloFile } from './mapping.ts';

/** Files per request: the silo's own maximum is 500. */
const PAGE_SIZE = 200;

export function createSocialServicesFileLister(client: SocialServicesClient, options: { pageSize?: number } = {}): FileLister {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  return {
    async *list(after: Checkpoint | null, { signal }: SourceContext): AsyncGenerator<SiloFile> {
      let apres: string | null = after;
      for (;;) {
        signal.throwIfAborted();
        const page = await client.listFiles(apres, pageSize, signal);
        for (const dossier of page.dossiers) yield toSiloFile(dossier);
        if (page.suivant === undefined) return;
        apres = page.suivant;
      }
    },
  };
}

/**
 * The legacy system's own data shapes. They are declared once, in openapi.yaml
 * (components/schemas), and generated into generated/api.ts (`npm run gen`); this file only
 * names them for the code, plus the one internal shape the document does not describe.
 */
import type { components } from './generated/api.ts';

type Schemas = components['schemas'];

export type Adresse = Schemas['Adresse'];
/** An address as a file holds it: the country always filled in (FRANCE by default). */
export type AdresseEnregistree = Schemas['AdresseEnregistree'];
export type StatutDossier = Schemas['StatutDossier'];
export type MotifCloture = Schemas['MotifCloture'];
export type Dossier = Schemas['Dossier'];
export type NouveauDossier = Schemas['NouveauDossier'];
export type ChangementAdresse = Schemas['ChangementAdresse'];
export type DemandeCloture = Schemas['DemandeCloture'];
export type OperationEcriture = Schemas['OperationEcriture'];
export type CodeErreur = Schemas['CodeErreur'];
export type Erreur = Schemas['Erreur'];
export type ModePanne = Schemas['ModePanne'];
export type EntreeJournal = Schemas['EntreeJournal'];
export type MembreFoyer = Schemas['MembreFoyer'];
export type ChangementFoyer = Schemas['ChangementFoyer'];
export type Notification = Schemas['Notification'];
export type NotificationEnvoyee = Schemas['NotificationEnvoyee'];

/** A response kept for an idempotency key, replayed as is when the key comes back. */
export interface ReponseEnregistree {
  /** Canonical JSON of the body that produced it, to detect a key reused with another body. */
  empreinte: string;
  statutHttp: number;
  corps: Dossier;
}

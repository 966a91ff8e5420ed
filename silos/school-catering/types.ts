/**
 * The billing software's own data shapes, declared once in openapi.yaml and generated into
 * generated/api.ts (`npm run gen`); this file names them for the code.
 */
import type { components } from './generated/api.ts';

type Schemas = components['schemas'];

export type Adresse = Schemas['Adresse'];
export type Personne = Schemas['Personne'];
export type Inscription = Schemas['Inscription'];
export type Famille = Schemas['Famille'];
export type NouvelleFamille = Schemas['NouvelleFamille'];
export type ChangementAdresse = Schemas['ChangementAdresse'];
export type CompositionFoyer = Schemas['CompositionFoyer'];
export type DeclarationDeces = Schemas['DeclarationDeces'];
export type Operation = Schemas['Operation'];
export type EntreeJournal = Schemas['EntreeJournal'];
export type CodeErreur = Schemas['CodeErreur'];
export type Erreur = Schemas['Erreur'];
export type Panne = Schemas['Panne'];

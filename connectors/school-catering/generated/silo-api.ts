// Generated from silos/school-catering/openapi.yaml by `npm run gen`. Do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["sante"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/familles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Crée une famille, ses membres et les inscriptions des enfants (amorçage). */
        post: operations["creerFamille"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/familles/{numeroFamille}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroFamille: components["parameters"]["NumeroFamille"];
            };
            cookie?: never;
        };
        get: operations["lireFamille"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/familles/{numeroFamille}/journal": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroFamille: components["parameters"]["NumeroFamille"];
            };
            cookie?: never;
        };
        /** Les écritures reçues pour les membres de la famille, dans l'ordre (appliquées, rejouées, refusées). */
        get: operations["lireJournal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/personnes/{numeroPersonne}/adresse": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroPersonne: components["parameters"]["NumeroPersonne"];
            };
            cookie?: never;
        };
        get?: never;
        /** La personne a déménagé ; l'adresse de facturation de sa famille suit. */
        put: operations["changerAdresse"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/personnes/{numeroPersonne}/foyer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroPersonne: components["parameters"]["NumeroPersonne"];
            };
            cookie?: never;
        };
        get?: never;
        /** La composition du foyer déclarée par la personne (elle sert au calcul du tarif). */
        put: operations["declarerFoyer"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/personnes/{numeroPersonne}/deces": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroPersonne: components["parameters"]["NumeroPersonne"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Le décès d'une personne. Un enfant : ses inscriptions en cours prennent fin (motif DECES).
         *     Un payeur : un autre responsable légal vivant le devient ; sans lui, la famille est
         *     signalée `payeurAContacter`.
         */
        post: operations["declarerDeces"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_admin/pannes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * @description Les pannes ne touchent que les écritures sur `/personnes`, avant toute application.
         *     `erreur` répond le statut 5xx configuré (503 par défaut, `PANNE_SIMULEE`) ; `refus` le statut
         *     4xx configuré (422 par défaut, `REFUS_SIMULE`) ; `lenteur` attend `delaiMs` puis traite
         *     normalement. `restant` borne le nombre d'écritures touchées.
         */
        put: operations["configurerPanne"];
        post?: never;
        delete: operations["supprimerPanne"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @example FAM-000123 */
        NumeroFamille: string;
        /** @example PER-000123 */
        NumeroPersonne: string;
        /**
         * Format: date
         * @example 2026-09-01
         */
        Date: string;
        Adresse: {
            /** @description Numéro dans la voie, avec son indice (« 12 », « 3 bis »). */
            numero?: string;
            voie: string;
            complement?: string;
            codePostal: string;
            ville: string;
        };
        /** @enum {string} */
        Role: "RESPONSABLE_LEGAL" | "ENFANT" | "AUTRE";
        Personne: {
            numeroPersonne: components["schemas"]["NumeroPersonne"];
            nom: string;
            prenom: string;
            dateNaissance?: components["schemas"]["Date"];
            role: components["schemas"]["Role"];
            dateDeces?: components["schemas"]["Date"];
        };
        /** @enum {string} */
        Prestation: "CANTINE" | "CRECHE";
        NouvelleInscription: {
            numeroPersonne: components["schemas"]["NumeroPersonne"];
            prestation: components["schemas"]["Prestation"];
            etablissement: string;
            dateDebut: components["schemas"]["Date"];
        };
        Inscription: {
            numeroPersonne: components["schemas"]["NumeroPersonne"];
            prestation: components["schemas"]["Prestation"];
            etablissement: string;
            dateDebut: components["schemas"]["Date"];
            /** @enum {string} */
            statut: "ACTIVE" | "TERMINEE";
            dateFin?: components["schemas"]["Date"];
            /** @enum {string} */
            motifFin?: "DECES" | "AUTRE";
        };
        NouvelleFamille: {
            numeroFamille: components["schemas"]["NumeroFamille"];
            adresseFacturation: components["schemas"]["Adresse"];
            payeur: components["schemas"]["NumeroPersonne"];
            membres: components["schemas"]["Personne"][];
            inscriptions?: components["schemas"]["NouvelleInscription"][];
        };
        MembreDeclare: {
            nom: string;
            prenoms: string;
            dateNaissance?: components["schemas"]["Date"];
            /** @enum {string} */
            lien: "DECLARANT" | "CONJOINT" | "ENFANT" | "AUTRE";
            aCharge?: boolean;
        };
        Famille: {
            numeroFamille: components["schemas"]["NumeroFamille"];
            adresseFacturation: components["schemas"]["Adresse"];
            dateEffetAdresse?: components["schemas"]["Date"];
            /** @description Le responsable légal à qui les factures sont adressées ; null quand il n'y en a plus. */
            payeur: components["schemas"]["NumeroPersonne"] | null;
            /** @description Vrai quand le payeur est décédé sans autre responsable légal vivant. */
            payeurAContacter: boolean;
            membres: components["schemas"]["Personne"][];
            /** @description La dernière composition du foyer déclarée. */
            foyerDeclare?: components["schemas"]["MembreDeclare"][];
            dateEffetFoyer?: components["schemas"]["Date"];
            inscriptions: components["schemas"]["Inscription"][];
            /** Format: date-time */
            misAJourLe: string;
        };
        ChangementAdresse: {
            adresse: components["schemas"]["Adresse"];
            dateEffet: components["schemas"]["Date"];
        };
        CompositionFoyer: {
            membres: components["schemas"]["MembreDeclare"][];
            dateEffet: components["schemas"]["Date"];
        };
        DeclarationDeces: {
            dateDeces: components["schemas"]["Date"];
        };
        /** @enum {string} */
        Operation: "changerAdresse" | "declarerFoyer" | "declarerDeces";
        EntreeJournal: {
            operation: components["schemas"]["Operation"];
            numeroPersonne: components["schemas"]["NumeroPersonne"];
            cleIdempotence: string | null;
            /** @description Le corps tel que reçu (JSON décodé, ou la chaîne brute s'il n'était pas du JSON). */
            corps: unknown;
            /** Format: date-time */
            recuLe: string;
            statutHttp: number;
            rejoue: boolean;
            codeErreur?: components["schemas"]["CodeErreur"];
        };
        Erreur: {
            code: components["schemas"]["CodeErreur"];
            libelle: string;
        };
        /** @enum {string} */
        CodeErreur: "NON_AUTORISE" | "FAMILLE_INCONNUE" | "FAMILLE_EXISTANTE" | "PERSONNE_INCONNUE" | "PERSONNE_DECEDEE" | "REQUETE_INVALIDE" | "CORPS_ILLISIBLE" | "CLE_IDEMPOTENCE_MANQUANTE" | "CLE_IDEMPOTENCE_REUTILISEE" | "PANNE_SIMULEE" | "REFUS_SIMULE" | "RESSOURCE_INCONNUE" | "ERREUR_INTERNE";
        Panne: {
            /** @enum {string} */
            mode: "aucune" | "erreur" | "refus" | "lenteur";
            statut?: number;
            delaiMs?: number;
            restant?: number;
        };
        Sante: {
            /** @enum {string} */
            statut: "ok";
        };
    };
    responses: {
        /** @description La famille après l'écriture (ou la réponse rejouée d'une clé déjà appliquée). */
        FamilleModifiee: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Famille"];
            };
        };
        /** @description Jeton `Authorization: Bearer` absent ou faux (`NON_AUTORISE`). */
        NonAutorise: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Aucune famille ne porte ce numéro (`FAMILLE_INCONNUE`). */
        FamilleInconnue: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Aucune famille ne compte cette personne (`PERSONNE_INCONNUE`). */
        PersonneInconnue: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description La personne est enregistrée comme décédée (`PERSONNE_DECEDEE`). */
        PersonneDecedee: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Corps contraire au schéma (`REQUETE_INVALIDE`) ou clé d'idempotence réutilisée avec un autre corps (`CLE_IDEMPOTENCE_REUTILISEE`). */
        RequeteInvalide: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description En-tête `Idempotency-Key` absent (`CLE_IDEMPOTENCE_MANQUANTE`) ou corps qui n'est pas du JSON (`CORPS_ILLISIBLE`). */
        RequeteIncomplete: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Panne injectée (`PANNE_SIMULEE` en 5xx, `REFUS_SIMULE` en 4xx). */
        PanneSimulee: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
    };
    parameters: {
        NumeroFamille: components["schemas"]["NumeroFamille"];
        NumeroPersonne: components["schemas"]["NumeroPersonne"];
        IdempotencyKey: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    sante: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Le simulateur répond. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sante"];
                };
            };
        };
    };
    creerFamille: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NouvelleFamille"];
            };
        };
        responses: {
            /** @description Famille créée. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Famille"];
                };
            };
            401: components["responses"]["NonAutorise"];
            /** @description Le numéro de famille ou d'une personne est déjà pris (`FAMILLE_EXISTANTE`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Erreur"];
                };
            };
            422: components["responses"]["RequeteInvalide"];
        };
    };
    lireFamille: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroFamille: components["parameters"]["NumeroFamille"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description La famille. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Famille"];
                };
            };
            401: components["responses"]["NonAutorise"];
            404: components["responses"]["FamilleInconnue"];
        };
    };
    lireJournal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroFamille: components["parameters"]["NumeroFamille"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Le journal. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntreeJournal"][];
                };
            };
            401: components["responses"]["NonAutorise"];
            404: components["responses"]["FamilleInconnue"];
        };
    };
    changerAdresse: {
        parameters: {
            query?: never;
            header: {
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path: {
                numeroPersonne: components["parameters"]["NumeroPersonne"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangementAdresse"];
            };
        };
        responses: {
            200: components["responses"]["FamilleModifiee"];
            400: components["responses"]["RequeteIncomplete"];
            401: components["responses"]["NonAutorise"];
            404: components["responses"]["PersonneInconnue"];
            409: components["responses"]["PersonneDecedee"];
            422: components["responses"]["RequeteInvalide"];
            default: components["responses"]["PanneSimulee"];
        };
    };
    declarerFoyer: {
        parameters: {
            query?: never;
            header: {
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path: {
                numeroPersonne: components["parameters"]["NumeroPersonne"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CompositionFoyer"];
            };
        };
        responses: {
            200: components["responses"]["FamilleModifiee"];
            400: components["responses"]["RequeteIncomplete"];
            401: components["responses"]["NonAutorise"];
            404: components["responses"]["PersonneInconnue"];
            409: components["responses"]["PersonneDecedee"];
            422: components["responses"]["RequeteInvalide"];
            default: components["responses"]["PanneSimulee"];
        };
    };
    declarerDeces: {
        parameters: {
            query?: never;
            header: {
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path: {
                numeroPersonne: components["parameters"]["NumeroPersonne"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeclarationDeces"];
            };
        };
        responses: {
            200: components["responses"]["FamilleModifiee"];
            400: components["responses"]["RequeteIncomplete"];
            401: components["responses"]["NonAutorise"];
            404: components["responses"]["PersonneInconnue"];
            409: components["responses"]["PersonneDecedee"];
            422: components["responses"]["RequeteInvalide"];
            default: components["responses"]["PanneSimulee"];
        };
    };
    configurerPanne: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Panne"];
            };
        };
        responses: {
            /** @description Panne configurée. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Panne"];
                };
            };
            422: components["responses"]["RequeteInvalide"];
        };
    };
    supprimerPanne: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Plus de panne. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Panne"];
                };
            };
        };
    };
}

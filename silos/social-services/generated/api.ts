// Generated from silos/social-services/openapi.yaml by `npm run gen`. Do not edit.
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
    "/dossiers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liste les dossiers, page par page (pour la reprise d'une population).
         * @description Les dossiers par numéro croissant, `limite` au plus, à partir du premier numéro qui suit
         *     `apres` (absent : depuis le début). Tant que la page est pleine, `suivant` donne le numéro
         *     à passer en `apres` pour la page d'après ; il est absent sur la dernière page. Un dossier
         *     créé pendant le parcours y figure s'il vient après la page en cours.
         */
        get: operations["listerDossiers"];
        put?: never;
        /** Crée un dossier (pour l'amorçage des tests). */
        post: operations["creerDossier"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dossiers/{numeroDossier}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        get: operations["lireDossier"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dossiers/{numeroDossier}/adresse": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        get?: never;
        /** Enregistre la nouvelle adresse du bénéficiaire. */
        put: operations["changerAdresse"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dossiers/{numeroDossier}/cloture": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Clôture le dossier (décès, déménagement hors département…). */
        post: operations["cloturerDossier"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dossiers/{numeroDossier}/journal": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        /**
         * Les requêtes d'écriture reçues pour ce dossier, dans l'ordre où elles ont été traitées.
         * @description Une entrée par requête d'écriture authentifiée (changerAdresse, cloturerDossier), quelle
         *     qu'en soit l'issue : appliquée, rejouée, refusée ou en panne simulée. La création du
         *     dossier n'y figure pas, ni les requêtes refusées faute de `X-Api-Key`. Une requête
         *     ralentie (`lenteur`) est journalisée à la fin de son délai ; `recuLe` reste son heure
         *     d'arrivée.
         */
        get: operations["lireJournal"];
        put?: never;
        post?: never;
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
        get: operations["lirePanne"];
        /**
         * @description Les pannes ne touchent que les écritures (changerAdresse, cloturerDossier), avant toute
         *     application : une requête en panne n'a aucun effet mais figure au journal avec son statut.
         *     `erreur` répond le statut 5xx configuré (503 par défaut) ; `refus` répond le statut 4xx
         *     configuré (422 par défaut) avec le code `REFUS_SIMULE` ; `lenteur` attend `delaiMs` puis
         *     traite la requête normalement (appliquée même si le client a abandonné). `restant` borne le
         *     nombre de requêtes touchées ; absent, la panne dure jusqu'à sa suppression.
         */
        put: operations["configurerPanne"];
        post?: never;
        delete: operations["supprimerPanne"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_guichet/dossiers/{numeroDossier}/adresse": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Un agent enregistre au guichet la nouvelle adresse du bénéficiaire (notifiée par webhook). */
        post: operations["saisirAdresse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_guichet/dossiers/{numeroDossier}/foyer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Un agent enregistre au guichet la composition du foyer (notifiée par webhook). */
        post: operations["saisirFoyer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_admin/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Les notifications envoyées par webhook et leur acheminement. */
        get: operations["listerNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    changementDossier: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Un changement saisi au guichet, notifié à l'abonné (Relais).
         * @description Envoyé en POST (JSON) à l'URL configurée (`SOCIAL_SERVICES_WEBHOOK_URL`) pour chaque saisie
         *     au guichet. En-tête `X-Signature: t=<secondes Unix>,v1=<hex>` où `v1` est le HMAC-SHA256,
         *     avec le secret partagé, de `<t>.<corps brut>` ; chaque tentative est signée à nouveau (nouveau
         *     `t`). L'abonné répond 2xx une fois la notification prise en compte ; sinon (réseau, 5xx, 408,
         *     429) le simulateur réessaie avec un délai croissant (8 tentatives) ; un autre 4xx est définitif.
         *     Une même notification (même `id`) peut donc arriver plusieurs fois.
         */
        post: operations["notifierChangement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** @example SS-000123 */
        NumeroDossier: string;
        /**
         * Format: date
         * @example 2025-03-01
         */
        Date: string;
        Adresse: {
            /**
             * @description Numéro dans la voie, chiffres seuls (l'indice va dans `indiceRepetition`).
             * @example 12
             */
            numeroVoie?: string;
            /**
             * @description Indice de répétition du numéro.
             * @example bis
             * @example ter
             */
            indiceRepetition?: string;
            /**
             * @description Type et nom de la voie.
             * @example rue de la République
             */
            libelleVoie: string;
            /** @description Complément d'adresse (bâtiment, escalier, lieu-dit…). */
            complement?: string;
            /** @example 69002 */
            codePostal: string;
            /** @example Lyon */
            commune: string;
            /**
             * @description Code officiel géographique de la commune (5 caractères, 2A/2B pour la Corse).
             * @example 69382
             */
            codeInsee?: string;
            /**
             * @description Pays ; FRANCE quand il est absent (le dossier enregistré le porte toujours).
             * @example FRANCE
             */
            pays?: string;
        };
        /** @description Une adresse telle que le dossier la porte, le pays toujours renseigné. */
        AdresseEnregistree: components["schemas"]["Adresse"] & {
            pays: string;
        };
        NouveauDossier: {
            numeroDossier: components["schemas"]["NumeroDossier"];
            nom: string;
            prenoms: string;
            adresse: components["schemas"]["Adresse"];
            naissance?: components["schemas"]["Naissance"];
        };
        /**
         * @description État civil de naissance du bénéficiaire, tel que le service l'a saisi (souvent incomplet
         *     pour les dossiers anciens : chaque champ est facultatif).
         */
        Naissance: {
            /** @description Nom de naissance (absent, c'est `nom` du dossier). */
            nom?: string;
            date?: components["schemas"]["Date"];
            commune?: string;
            codeInsee?: string;
            /** @description Code ISO 3166 alpha-2. */
            pays?: string;
        };
        PageDossiers: {
            dossiers: components["schemas"]["Dossier"][];
            suivant?: components["schemas"]["NumeroDossier"];
        };
        ChangementAdresse: {
            adresse: components["schemas"]["Adresse"];
            dateEffet: components["schemas"]["Date"];
        };
        /** @enum {string} */
        MotifCloture: "DECES" | "DEMENAGEMENT_HORS_DEPARTEMENT" | "AUTRE";
        DemandeCloture: {
            motif: components["schemas"]["MotifCloture"];
            dateDeces?: components["schemas"]["Date"];
            dateCloture: components["schemas"]["Date"];
        };
        /** @enum {string} */
        StatutDossier: "ouvert" | "clos";
        Dossier: {
            numeroDossier: components["schemas"]["NumeroDossier"];
            statut: components["schemas"]["StatutDossier"];
            nom: string;
            prenoms: string;
            adresse: components["schemas"]["AdresseEnregistree"];
            naissance?: components["schemas"]["Naissance"];
            dateEffetAdresse?: components["schemas"]["Date"];
            dateCloture?: components["schemas"]["Date"];
            motifCloture?: components["schemas"]["MotifCloture"];
            dateDeces?: components["schemas"]["Date"];
            /** @description Composition du foyer saisie au guichet. */
            foyer?: components["schemas"]["MembreFoyer"][];
            dateEffetFoyer?: components["schemas"]["Date"];
            /** Format: date-time */
            misAJourLe: string;
        };
        MembreFoyer: {
            nom: string;
            prenoms: string;
            dateNaissance?: components["schemas"]["Date"];
            /**
             * @description Lien avec le demandeur.
             * @enum {string}
             */
            lien: "DEMANDEUR" | "CONJOINT" | "PARTENAIRE" | "ENFANT" | "AUTRE_PARENT" | "AUTRE";
            aCharge?: boolean;
        };
        ChangementFoyer: {
            foyer: components["schemas"]["MembreFoyer"][];
            dateEffet: components["schemas"]["Date"];
        };
        /** @enum {string} */
        TypeNotification: "ADRESSE_MODIFIEE" | "FOYER_MODIFIE";
        Notification: {
            /**
             * Format: uuid
             * @description Identifiant de la notification (le même à chaque tentative).
             */
            id: string;
            type: components["schemas"]["TypeNotification"];
            numeroDossier: components["schemas"]["NumeroDossier"];
            /** Format: date-time */
            survenuLe: string;
            dateEffet: components["schemas"]["Date"];
            /** @description ADRESSE_MODIFIEE */
            adresse?: components["schemas"]["AdresseEnregistree"];
            /** @description FOYER_MODIFIE */
            foyer?: components["schemas"]["MembreFoyer"][];
        };
        NotificationEnvoyee: {
            notification: components["schemas"]["Notification"];
            tentatives: number;
            /** @enum {string} */
            etat: "en_cours" | "livree" | "abandonnee";
            /** @description Statut HTTP de la dernière réponse (absent si aucune réponse). */
            dernierStatut?: number;
        };
        /** @enum {string} */
        OperationEcriture: "changerAdresse" | "cloturerDossier";
        /** @enum {string} */
        ModePanne: "aucune" | "erreur" | "lenteur" | "refus";
        EntreeJournal: {
            operation: components["schemas"]["OperationEcriture"];
            /** @description Valeur de l'en-tête `Idempotency-Key`, null s'il manquait. */
            idempotencyKey: string | null;
            /** @description Le corps tel que reçu (JSON décodé ; la chaîne brute s'il n'était pas du JSON, null s'il était vide). */
            body: unknown;
            /** Format: date-time */
            recuLe: string;
            statutHttp: number;
            /** @description Vrai si la réponse est la relecture d'une clé déjà appliquée (rien n'a été réappliqué). */
            rejoue: boolean;
            codeErreur?: components["schemas"]["CodeErreur"];
            /**
             * @description La panne simulée qui a touché cette requête, s'il y en a eu une.
             * @enum {string}
             */
            panne?: "erreur" | "lenteur" | "refus";
        };
        Erreur: {
            code: components["schemas"]["CodeErreur"];
            message: string;
        };
        /**
         * @description Le code d'une erreur du logiciel ; dans le journal, celui de la réponse rendue à une requête refusée.
         * @enum {string}
         */
        CodeErreur: "NON_AUTHENTIFIE" | "DOSSIER_INCONNU" | "DOSSIER_EXISTANT" | "DOSSIER_CLOS" | "REQUETE_INVALIDE" | "CORPS_ILLISIBLE" | "CLE_IDEMPOTENCE_MANQUANTE" | "CLE_IDEMPOTENCE_REUTILISEE" | "REFUS_SIMULE" | "ERREUR_SIMULEE" | "RESSOURCE_INCONNUE" | "ERREUR_INTERNE";
        ConfigurationPanne: {
            mode: components["schemas"]["ModePanne"];
            /** @description Statut HTTP rendu — 5xx pour `erreur` (503 par défaut), 4xx pour `refus` (422 par défaut). */
            statut?: number;
            /** @description Délai ajouté pour `lenteur` (10000 par défaut). */
            delaiMs?: number;
            /** @description Nombre de requêtes d'écriture touchées ; absent, jusqu'à suppression de la panne. */
            restant?: number;
            message?: string;
        };
        EtatPanne: {
            mode: components["schemas"]["ModePanne"];
            statut?: number;
            delaiMs?: number;
            /** @description Requêtes encore touchées ; absent, sans limite. */
            restant?: number;
            message?: string;
            /** @description Requêtes d'écriture touchées depuis la dernière configuration. */
            declenchements: number;
        };
        Sante: {
            /** @enum {string} */
            statut: "ok";
        };
    };
    responses: {
        /** @description En-tête `X-Api-Key` absent ou faux (`NON_AUTHENTIFIE`). */
        NonAuthentifie: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Aucun dossier ne porte ce numéro (`DOSSIER_INCONNU`). */
        DossierInconnu: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Le dossier est clos (`DOSSIER_CLOS`). */
        DossierClos: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /**
         * @description Corps contraire au schéma, propriété inconnue comprise (`REQUETE_INVALIDE`), ou clé
         *     d'idempotence déjà utilisée avec un autre corps (`CLE_IDEMPOTENCE_REUTILISEE`).
         */
        RequeteInvalide: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Corps qui n'est pas du JSON (`CORPS_ILLISIBLE`). */
        CorpsIllisible: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /**
         * @description En-tête `Idempotency-Key` absent (`CLE_IDEMPOTENCE_MANQUANTE`) ou corps qui n'est pas du
         *     JSON (`CORPS_ILLISIBLE`).
         */
        RequeteIncomplete: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Erreur"];
            };
        };
        /** @description Panne injectée par `/_admin/pannes` (`ERREUR_SIMULEE` en 5xx, `REFUS_SIMULE` en 4xx). */
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
        NumeroDossier: components["schemas"]["NumeroDossier"];
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
    listerDossiers: {
        parameters: {
            query?: {
                apres?: components["schemas"]["NumeroDossier"];
                limite?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Une page de dossiers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PageDossiers"];
                };
            };
            401: components["responses"]["NonAuthentifie"];
            422: components["responses"]["RequeteInvalide"];
        };
    };
    creerDossier: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NouveauDossier"];
            };
        };
        responses: {
            /** @description Dossier créé. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dossier"];
                };
            };
            400: components["responses"]["CorpsIllisible"];
            401: components["responses"]["NonAuthentifie"];
            /** @description Un dossier porte déjà ce numéro (`DOSSIER_EXISTANT`). */
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
    lireDossier: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Le dossier. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dossier"];
                };
            };
            401: components["responses"]["NonAuthentifie"];
            404: components["responses"]["DossierInconnu"];
        };
    };
    changerAdresse: {
        parameters: {
            query?: never;
            header: {
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangementAdresse"];
            };
        };
        responses: {
            /** @description Adresse enregistrée (ou réponse rejouée pour une clé déjà appliquée). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dossier"];
                };
            };
            400: components["responses"]["RequeteIncomplete"];
            401: components["responses"]["NonAuthentifie"];
            404: components["responses"]["DossierInconnu"];
            409: components["responses"]["DossierClos"];
            422: components["responses"]["RequeteInvalide"];
            default: components["responses"]["PanneSimulee"];
        };
    };
    cloturerDossier: {
        parameters: {
            query?: never;
            header: {
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DemandeCloture"];
            };
        };
        responses: {
            /** @description Dossier clôturé (ou réponse rejouée pour une clé déjà appliquée). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dossier"];
                };
            };
            400: components["responses"]["RequeteIncomplete"];
            401: components["responses"]["NonAuthentifie"];
            404: components["responses"]["DossierInconnu"];
            409: components["responses"]["DossierClos"];
            422: components["responses"]["RequeteInvalide"];
            default: components["responses"]["PanneSimulee"];
        };
    };
    lireJournal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Le journal du dossier. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntreeJournal"][];
                };
            };
            401: components["responses"]["NonAuthentifie"];
            404: components["responses"]["DossierInconnu"];
        };
    };
    lirePanne: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description La panne en cours. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EtatPanne"];
                };
            };
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
                "application/json": components["schemas"]["ConfigurationPanne"];
            };
        };
        responses: {
            /** @description Panne configurée. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EtatPanne"];
                };
            };
            400: components["responses"]["CorpsIllisible"];
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
                    "application/json": components["schemas"]["EtatPanne"];
                };
            };
        };
    };
    saisirAdresse: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangementAdresse"];
            };
        };
        responses: {
            /** @description Adresse enregistrée ; la notification part. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dossier"];
                };
            };
            400: components["responses"]["CorpsIllisible"];
            404: components["responses"]["DossierInconnu"];
            409: components["responses"]["DossierClos"];
            422: components["responses"]["RequeteInvalide"];
        };
    };
    saisirFoyer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                numeroDossier: components["parameters"]["NumeroDossier"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangementFoyer"];
            };
        };
        responses: {
            /** @description Foyer enregistré ; la notification part. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dossier"];
                };
            };
            400: components["responses"]["CorpsIllisible"];
            404: components["responses"]["DossierInconnu"];
            409: components["responses"]["DossierClos"];
            422: components["responses"]["RequeteInvalide"];
        };
    };
    listerNotifications: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Dans l'ordre d'émission. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationEnvoyee"][];
                };
            };
        };
    };
    notifierChangement: {
        parameters: {
            query?: never;
            header: {
                "X-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Notification"];
            };
        };
        responses: {
            /** @description Prise en compte. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}

// Generated from gateway/openapi.yaml by `npm run gen`. Do not edit.
export interface paths {
    "/v1/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Tell Relais about one change
         * @description Requires scope `changes:write`. Any event type of the catalogue (one example each
         *     below; the schemas are in `GET /asyncapi.yaml` and in schemas/events/): `data` is
         *     validated against the type's JSON Schema, and a 422 names every failing field as a
         *     JSON pointer into the body (e.g. `/data/address/postcode`). Nothing is stored unless
         *     the whole request is valid. One exception: `fr.relais.service-request.submitted.v1`
         *     is created by `POST /v1/service-requests` (Relais assigns the request id and the
         *     competent service); here it is a 422 on `/type`.
         *
         *     With an `Idempotency-Key`, repeating the same request returns the same change;
         *     reusing the key for a different request is a 409.
         *
         *     Who it may name: a pivot id or a system identifier the crosswalk does not know is a 422
         *     `citizen-unknown` (nothing stored), unless the credential speaks for the system that issued
         *     the identifier and that system's flow allows first sightings (docs/flows.md). A citizen
         *     whose death is registered is a 409 `citizen-deceased` naming the date, except for the
         *     register's own corrections. The change goes only to the systems concerned: those that
         *     hold a file on the citizen, or every resident's where the flow says so; the others are
         *     listed under `notConcerned`.
         *
         *     Under overload, when more changes wait for the store than the gateway holds, a change is
         *     a 503 `gateway-overloaded` with `Retry-After: 1` at once (nothing stored) instead of
         *     waiting: retry it with the same `Idempotency-Key`.
         */
        post: operations["postChange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/changes/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Which systems would receive which fields of this change, on which legal basis
         * @description Requires scope `changes:write` and the same rights as `POST /v1/changes` (the caller may
         *     originate this type through this channel, naming the citizen this way; a refusal is a 403
         *     naming the rule, audited). The body is a change request, checked exactly as
         *     `POST /v1/changes` checks it (422 naming each field); nothing is stored and nothing is
         *     sent. The answer is computed from the flows in force and the crosswalk: each system the
         *     change would be delivered to, the route, its legal basis and the fields it would receive
         *     (after minimisation), and the systems the flows name that are not concerned (no file on
         *     the citizen). A citizen named by civil data is previewed without the crosswalk (every
         *     route's systems, `citizenKnown: false`).
         */
        post: operations["previewChange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/changes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A change and its status in every recipient system
         * @description Requires scope `changes:read`.
         */
        get: operations["getChange"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Find a citizen by an identifier in any system, by pivot id, or by civil data
         * @description Requires scope `citizens:read` and the rights file's `read: timelines` (a 403 naming the
         *     rule `read:timelines` otherwise). Give `pivotId`, or `system` and `identifier` (the
         *     citizen's identifier in that system), or `birthName`, `givenNames` and `dateOfBirth`
         *     (and optionally `placeOfBirth`), searched in the civil register. A merged pivot id finds the citizen it was merged
         *     into. An empty list when no citizen matches. The search is recorded in the audit log
         *     (`personal-data.read`, with the count; the identifier is not recorded).
         */
        get: operations["findCitizens"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The systems that hold a file on the citizen, and the last change each applied
         * @description Requires scope `citizens:read` and the rights file's `read: timelines`. The read is
         *     recorded in the audit log (`personal-data.read`). A merged pivot id stands for the citizen
         *     it was merged into; the files and changes of every pivot id merged into it count.
         */
        get: operations["getCitizen"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every change, outcome and logged contact for one citizen, across channels and systems
         * @description Requires scope `citizens:read`. Newest first.
         */
        get: operations["getTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}/interactions": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        /**
         * The citizen's logged contacts, newest first
         * @description Requires scope `citizens:read` and the rights file's `read: interactions`. The read is
         *     recorded in the audit log (`personal-data.read`, with the count) before it is served. A
         *     merged pivot id stands for the citizen it was merged into; contacts logged under any of
         *     its pivot ids are listed.
         */
        get: operations["listInteractions"];
        put?: never;
        /**
         * Log a contact with the citizen that is not a change (a call, a letter, a visit)
         * @description Requires scope `citizens:write` and the rights file's `declare: interactions` (otherwise a
         *     403 `rights-refused` naming the rule `declare:interactions`). The agent is the caller (the
         *     token's subject), never a field of the body. Linked change and request ids must be changes
         *     or service requests about this citizen (422 naming the item otherwise). Audited
         *     (`interaction.logged`) in the same transaction, without the subject or the note.
         */
        post: operations["postInteraction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}/family-contact": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        /**
         * The citizen's declared family contact
         * @description Requires scope `citizens:read` and the rights file's `read: family-contacts`. The read
         *     is recorded in the audit log (`personal-data.read`) before it is served. 404 when no
         *     contact is declared.
         */
        get: operations["getFamilyContact"];
        /**
         * Declare (or replace) the citizen's family contact
         * @description Requires scope `citizens:write` and the rights file's `declare: family-contacts`
         *     (otherwise a 403 `rights-refused` naming the rule `declare:family-contacts`). One contact
         *     per citizen: declaring again replaces it (200; the first declaration is 201). Once a death
         *     is registered for the citizen, a flow route with `onDeath: family-contact` writes to this
         *     person instead of the citizen, in the contact's `language` (docs/flows.md). Declaring a
         *     contact after the death is allowed but sends nothing by itself. Audited
         *     (`family-contact.declared` / `family-contact.replaced`), without the contact's data.
         */
        put: operations["putFamilyContact"];
        post?: never;
        /**
         * Withdraw the citizen's family contact
         * @description Requires scope `citizens:write` and the rights file's `declare: family-contacts`.
         *     Audited (`family-contact.withdrawn`). 404 when no contact is declared.
         */
        delete: operations["deleteFamilyContact"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who the credential stands for (a citizen's own pivot id)
         * @description Requires scope `citizens:read`. The caller as the gateway sees it: its name, kind and
         *     roles, and for a citizen's token (role `citizen`) the pivot id it stands for. A citizen's
         *     provider (FranceConnect, the quick start's local provider) vouches for a civil identity,
         *     not a pivot id: the gateway matches the token's identity claims (`given_name`,
         *     `family_name`, `birthdate`, `birthplace`, `birthcountry`) against the register with the
         *     rules of docs/adr/0025, and `identity` says how it went — `matched` (then `pivotId`),
         *     `ambiguous` (several people are plausible: nothing is guessed), `not-found`, or
         *     `register-unavailable` (try again). The decision is audited (`citizen.identity-matched`,
         *     no civil data). docs/adr/0037-citizen-space.md.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}/disclosures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who received the citizen's data, and who read it
         * @description Requires scope `citizens:read`, and either the rights file's `read: own-disclosures` with
         *     a token naming this very citizen (the citizen in the citizen space), or `read:
         *     disclosures` and a purpose (the `Relais-Purpose` header) for an agent. Newest first:
         *     `delivery` entries from the disclosure ledger (per change and recipient system: when it
         *     was handed over and applied, the legal basis, the purpose, the names of the fields —
         *     never their values — and the change and channel it came from; kept in the store, so it
         *     answers long after Kafka dropped the deliveries) and `read` entries, every read of the
         *     citizen's data by someone else, from the audit log. The read itself is audited
         *     (`personal-data.read`). docs/privacy.md.
         */
        get: operations["getDisclosures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}/objections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The citizen's objections in force
         * @description Requires scope `citizens:read` and the rights file's `declare: own-objections` (the
         *     citizen, a token naming this very citizen) or `declare: objections` (an agent at a
         *     counter). docs/privacy.md.
         */
        get: operations["getObjections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}/objections/{system}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
                system: components["schemas"]["SystemName"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Object to one recipient system
         * @description Requires scope `citizens:write` and the rights file's `declare: own-objections` (the
         *     citizen themself) or `declare: objections`. Allowed only when a flow route to `system`
         *     has a legal basis that allows it (`basis.objection: allowed`, docs/flows.md); otherwise a
         *     409 `objection-not-allowed` naming the rule `basis.objection` and the routes. From the
         *     next change on, the router sends that system nothing about the citizen on those routes;
         *     its status is `objected` (settled, never a failure). 201 when recorded, 200 when it was
         *     already. Audited (`objection.recorded`).
         */
        put: operations["putObjection"];
        post?: never;
        /**
         * Withdraw an objection
         * @description Requires the same rights as recording it. Delivery resumes from the next change on.
         *     Audited (`objection.withdrawn`). 404 when no objection to `system` is in force.
         */
        delete: operations["deleteObjection"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/citizens/{pivotId}/erasure": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Erase the citizen's personal data (destroy their data keys)
         * @description Requires scope `citizens:write` and the rights file's `declare: erasure` (the `dpo` role;
         *     otherwise a 403 `rights-refused` naming the rule `declare:erasure`). Destroys the
         *     citizen's data keys: every copy of their personal data sealed with them — `changes.data`
         *     in the store, every event and delivery still on Kafka — no longer opens, so a replay of
         *     any topic from offset 0 brings nothing back (docs/privacy.md, "Encryption and erasure").
         *     Afterwards, reads of the citizen's changes show the fields labelled `none` and
         *     `"relaisErased": true` in place of the personal data; consumers skip the citizen's
         *     messages and count them (`relais_erased_skipped_total`), never dead-letter them. A
         *     merged pivot id stands for the citizen it was merged into: every pivot id recorded for
         *     them is erased. Audited (`citizen.erased`) in the same transaction. Erasing again
         *     destroys nothing more (`keysDestroyed` 0). A change told about the citizen later is
         *     sealed with a new key. 503 `erasure-unavailable` when the deployment seals nothing
         *     (`RELAIS_MASTER_KEY_FILE` unset).
         */
        post: operations["eraseCitizen"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The requests workspace: service requests filtered by category, commune, status, service and age
         * @description Requires scope `service-requests:read` and the rights file's `read: service-requests` (the
         *     `request-agent` role). Oldest first; each with its age and the target its category has
         *     (docs/adr/0035). The list names citizens by pivot id: the read is audited.
         */
        get: operations["listServiceRequests"];
        put?: never;
        /**
         * Report an incident or ask a service (e.g. a missed waste collection), from any channel
         * @description Requires scope `service-requests:write`. The flows choose the competent service from the
         *     category and the location (docs/flows.md); no service for them is a 422. The request is
         *     stored with its status history and published as fr.relais.service-request.submitted.v1
         *     (one transaction with the outbox), then delivered to the competent service and, when
         *     Relais holds an email address for the citizen (`contact.email` here, or an earlier
         *     contact change), acknowledged by email. Its status follows the service's updates.
         *     With an `Idempotency-Key`, repeating the same request returns the same service request;
         *     reusing the key for a different request is a 409.
         */
        post: operations["postServiceRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A service request, its status and its history
         * @description Requires scope `service-requests:read`.
         */
        get: operations["getServiceRequest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-requests/{id}/trace": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The whole trace of a request on one page: status history, agents' actions, answers and their delivery
         * @description Requires scope `service-requests:read` and `read: service-requests`. The request, its age
         *     against its target, the services it may be assigned to, and every assignment, note and
         *     answer with the delivery of the answer's email. Audited as a read of personal data.
         */
        get: operations["getServiceRequestTrace"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-requests/{id}/assignment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Assign a request to a competent service (the citizen is told it was reassigned)
         * @description Requires scope `service-requests:write`, `declare: request-handling` and an `originate`
         *     rule for fr.relais.service-request.updated.v1 on the `email` channel. Published as that
         *     event with status `reassigned`, so the flows tell the citizen; the service must be a
         *     declared system that is not a notification channel (422 naming `/service`). A closed
         *     request is a 409.
         */
        post: operations["assignServiceRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-requests/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * An agent's internal note on a request (never sent to the citizen)
         * @description Requires scope `service-requests:write` and the right `request-handling` (declare). Audited, without the note's text.
         */
        post: operations["noteServiceRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-requests/{id}/answer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer the citizen through the email connector, as the request's updated or resolved event
         * @description Requires scope `service-requests:write` and an `originate` rule for the event it becomes:
         *     fr.relais.service-request.resolved.v1 for a closing status (resolved, rejected, duplicate,
         *     withdrawn), fr.relais.service-request.updated.v1 otherwise, with the message as its
         *     `comment`. The flows (flows/email.yaml) send it to the citizen's email; the request's
         *     status follows the event. Follow the email's delivery at GET /v1/changes/{changeId}.
         */
        post: operations["answerServiceRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity-reviews": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes held because their civil data matched several people in the register
         * @description Requires scope `identity:review`. Pending reviews, oldest first (`status` selects others).
         *     A pending review shows the civil data the change gave and the register's candidates, with
         *     the criteria each matched; once decided, both are erased (data minimisation) and the review
         *     keeps the decision.
         */
        get: operations["listIdentityReviews"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity-reviews/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A population import's held records still undecided
         * @description Requires scope `identity:review`. The records `relais identities import` held (homonyms,
         *     a person below the link score, a citizen already known in the system under another
         *     identifier), not yet decided, by import then line: the system's identifier and the
         *     register's candidates (ids and scores; no civil data). `next` gives the following page.
         */
        get: operations["listHeldImportRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity-reviews/imports/{importId}/{line}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide a held import record — link it to one of its candidates, or reject it
         * @description Requires scope `identity:review`. `registerId` (one of the record's candidates, 422 naming
         *     `/registerId` otherwise) links the system's identifier to that register person's citizen as
         *     the import links an exact match, with method `identity-review` and the agent; the changes
         *     the person's systems could not receive are then re-driven (unless `redrive` is false).
         *     `reject` leaves the record unlinked. A record is decided once (409 `review-decided`).
         */
        post: operations["decideHeldImportRecord"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity-reviews/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One identity review
         * @description Requires scope `identity:review`.
         */
        get: operations["getIdentityReview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity-reviews/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide a held change's citizen — one of the candidates, or none
         * @description Requires scope `identity:review`. `match` links the chosen register person to a pivot id
         *     (created if new; the link records `identity-review` and the agent) and releases the change:
         *     its recipients become `pending` and it propagates once. `reject` ends it: nothing
         *     propagates. A review is decided once (409 `review-decided` afterwards).
         */
        post: operations["decideIdentityReview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness (the process answers) */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness of every dependency (statuses only)
         * @description `store` and `kafka` are required: when either fails the answer is 503 `unavailable`.
         *     The others (`outbox`, `router`, `connector:<system>`: whether an instance runs, seen from
         *     Kafka) make it `degraded` but still 200, since the gateway can accept changes without
         *     them. The gateway keeps accepting changes while Kafka is down (they wait in the outbox);
         *     an orchestrator that should keep it in rotation then probes /healthz for liveness.
         *     This public answer carries no reason: the same checks with their reasons, and the
         *     Prometheus metrics, are on the operations listener (`RELAIS_OPS_PORT`,
         *     docs/observability.md), which is not the API port.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Link a system's identifier to a citizen
         * @description Requires scope `identity:manage` and the right `crosswalk`. Records that `system` knows the
         *     citizen as `id` (link method `declared`, by the caller), audited as `identity.linked`. The
         *     same link again is a 200 that changes nothing. 409 `crosswalk-conflict` when the identifier
         *     is linked to another citizen (merge them, or unlink it) or the citizen already has another
         *     identifier in that system (unlink it first). With `redrive`, the citizen's changes `system`
         *     rejected for want of an identifier are sent to it again (docs/identities.md).
         */
        post: operations["linkIdentifier"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/unlink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove a system's identifier from the crosswalk
         * @description Requires scope `identity:manage` and the right `crosswalk`. Audited as `identity.unlinked`
         *     with how the link had been made. The citizen's changes, timeline, deliveries and audit
         *     entries stay theirs; later changes are no longer sent to that system for them.
         */
        post: operations["unlinkIdentifier"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Merge two pivot ids found to be one person
         * @description Requires scope `identity:manage` and the right `crosswalk`. `from`'s identifiers move to
         *     `into`, and `from` stands for `into` from now on (changes naming it are `into`'s; its
         *     timeline is `into`'s). Nothing recorded is rewritten: changes, deliveries, receipts and
         *     audit entries keep the pivot id they were recorded under and stay reachable through
         *     `into`'s timeline. Audited as `identity.merged`. 409 `crosswalk-conflict` when both hold
         *     an identifier in the same system. Unless `redrive` is false, the changes that were
         *     rejected for want of an identifier now known are sent again.
         */
        post: operations["mergeCitizens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send again the changes a system rejected for want of an identifier
         * @description Requires scope `identity:manage` and the right `crosswalk`. Each change of the citizen
         *     (merged pivot ids included) that a system rejected with IDENTITY_UNKNOWN, and that the
         *     system now knows the citizen in, goes to that system again: its status is `pending`
         *     again, then follows the delivery. Audited as `identity.redriven`, per change.
         */
        post: operations["redriveIdentityUnknown"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/kpis": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the bus achieved over a period, by channel and by system
         * @description Requires scope `kpis:read`. Changes accepted in [from, to) (default: the last 30 days).
         *     Volumes; median and 95th percentile of the time from acceptance to a system's first
         *     `applied`; success, rejection and dead-letter rates over settled deliveries (null when
         *     none settled); contacts avoided: systems that applied a change the citizen told once,
         *     other than the one they told. Changes that started inside a silo (source connectors)
         *     have no channel: they are grouped by their origin system. `?format=csv` or `Accept: text/csv` gives the same
         *     figures as CSV, one row per total, channel and system (service requests in their own rows).
         */
        get: operations["getKpis"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Connected systems, their subscriptions, last success, lag and dead letters
         * @description Requires scope `systems:read`. One entry per system declared in the flows. Lag, dead
         *     letters in the topic and running connector instances are read from Kafka; they are null
         *     (and `kafka` says why) when Kafka cannot be reached.
         */
        get: operations["getSystems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{system}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause deliveries to one system, e.g. during its silo's maintenance
         * @description Requires scope `dead-letters:write` (or `admin`) and, in the rights file, `read: systems`
         *     and `declare: connector-pause` (the `operator` role; docs/adr/0040). The system's
         *     connector stops applying within about a second: its deliveries wait as `delivered`, are
         *     neither applied nor dead-lettered, and its lag grows in GET /v1/systems. Audited
         *     (`system.paused`, with the caller and the reason). 409 when already paused.
         */
        post: operations["pauseSystem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{system}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume deliveries to a paused system
         * @description Requires scope `dead-letters:write` (or `admin`) and, in the rights file, `read: systems`
         *     and `declare: connector-pause`. The connector applies the waiting deliveries, in order,
         *     within about a second. Audited (`system.resumed`). 409 when not paused.
         */
        post: operations["resumeSystem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{system}/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A system's dead letters and what became of each since
         * @description Requires scope `systems:read`. Read from the system's dead-letter topic (the latest dead
         *     letter of each event, oldest first), with the connector's ledger saying whether the event
         *     was applied or rejected since (after a replay) and the audit log the last replay.
         *     `status` is `dead_lettered` while nothing settled it, `superseded` when a replay found a
         *     newer change of the same kind already applied (it was not written, and is not replayed
         *     again), and `poison` for a message that was not a delivery (it cannot be replayed). 503 `kafka-unavailable` when the topic cannot be read.
         *
         *     Both kinds are listed (`kind`): `delivery` dead letters (the system's sink could not apply
         *     a delivery, topic `<prefix>.dlq.<system>`) and `source` dead letters (a record the
         *     system's source read but could not map, or whose event breaks its schema, topic
         *     `<prefix>.dlq.source.<system>`; `eventId` is the id it will have once published). A source
         *     dead letter is `dead_lettered`, `replay_pending` (a re-drive was asked, the connector has
         *     not done it yet), `published` (re-driven, or published since) or `discarded` (today's
         *     mapping deliberately leaves it out). The raw record is never shown here. `kind` filters.
         */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{system}/dead-letters/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-drive dead letters to their system once the cause is fixed
         * @description Requires scope `dead-letters:write` (or `admin`) and, in the rights file, `read: dead-letters`
         *     and `declare: dead-letter-triage` (the `operator` role; docs/adr/0036). Publishes each chosen dead letter's original delivery again on the
         *     system's delivery topic; the connector applies it (the event id keeps it idempotent) and its
         *     receipt updates the change's status. `eventIds` names events; `all: true` takes every dead
         *     letter still `dead_lettered`. Each replay writes an audit entry (`dlq.replayed`, with the
         *     caller). Events not in the topic, or applied, rejected or superseded since, are skipped with
         *     the reason. A replay never writes an older value over a newer one: a re-driven delivery
         *     older than the newest change of the same kind applied for the citizen in that system ends
         *     `superseded` (docs/contracts.md, "Replay").
         *
         *     With `kind: source`, source dead letters are re-driven instead: each request is recorded
         *     (and audited, `dlq.replayed` with `kind: source`) for the system's source connector, which
         *     maps the raw record again with its current code and publishes the event under the id the
         *     normal path derives (once), or dead-letters it again with the new cause (its `attempts`
         *     grows); the list shows which (`replay_pending`, then `published` or `dead_lettered`).
         */
        post: operations["replayDeadLetters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{system}/dead-letters/discard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Discard dead letters that must not be applied, with the reason
         * @description Requires scope `dead-letters:write` and, in the rights file, `read: dead-letters` and
         *     `declare: dead-letter-triage`. Each chosen delivery dead letter still `dead_lettered` gets
         *     an audit entry (`dlq.discarded`, with the caller and the reason); the list then shows it
         *     `discarded` and a replay skips it. Nothing is published. Others are skipped with the reason.
         */
        post: operations["discardDeadLetters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{system}/dead-letters/{eventId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One delivery dead letter with the data the system received
         * @description Requires scope `systems:read` and `read: dead-letters`. The dead letter and its delivery's
         *     data (only the fields the flow allows this system), opened with the citizen's key: a read
         *     of personal data, audited. A dead letter that is not a readable delivery is a 409.
         */
        get: operations["inspectDeadLetter"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{system}/dead-letters/{eventId}/fix": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Correct a dead letter's data and re-drive it to its system
         * @description Requires scope `dead-letters:write`, `read: dead-letters` and `declare: dead-letter-triage`.
         *     The corrected `data` is checked against the event type's schema (a field the flow never
         *     delivered to this system is not required) and may not add a field the system did not
         *     receive: each problem is a 422 naming `/data/…`. The corrected delivery keeps its event id,
         *     is sealed again with the citizen's key and published on the system's delivery topic; audited
         *     as `dlq.fixed` (the names of the fields changed) and `dlq.replayed`. A dead letter applied,
         *     rejected, superseded or discarded since is a 409.
         */
        post: operations["fixDeadLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/asyncapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The event bus (AsyncAPI 3.0)
         * @description Topics, messages (one per event type, with its JSON Schema and CloudEvents Kafka
         *     headers) and deliveries as this gateway's flows define them; generated from schemas/
         *     and the loaded flows (docs/asyncapi.yaml is the one of the repository's flows/).
         */
        get: operations["getAsyncApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document, as JSON */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public keys that sign receipts and audit checkpoints (JWKS)
         * @description Ed25519 keys (RFC 8037) with `kid` and `signer`: `audit` for the instance's audit-log checkpoints, `router` for the router's receipts, a system's name for its connector's receipts. Receipts and evidence bundles are verified against them offline (`relais evidence verify`); during a rotation both the old and the new key are listed.
         */
        get: operations["getPublicKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Erasure: {
            /**
             * Format: uuid
             * @description The citizen erased (the one a merged pivot id stands for now).
             */
            pivotId: string;
            /** @description Every pivot id the citizen was recorded under (more than one after a merge); all erased. */
            pivotIds: string[];
            /** @description Data keys destroyed now (0 when erased before */
            keysDestroyed: number;
            /** @description Free texts about the citizen emptied now (agents' notes on contacts and requests, services' comments); a contact keeps its channel and time, its subject reads `[erased]`. */
            notesErased: number;
            /** Format: date-time */
            erasedAt: string;
        };
        Jwks: {
            keys: {
                /** @constant */
                kty: "OKP";
                /** @constant */
                crv: "Ed25519";
                /** @description The public key */
                x: string;
                /** @description <signer>-<first 16 characters of the RFC 7638 thumbprint> */
                kid: string;
                /** @constant */
                use: "sig";
                /** @constant */
                alg: "EdDSA";
                /** @description audit, router, or the system whose receipts it signs */
                signer: string;
            }[];
        };
        /** @enum {string} */
        Channel: "web" | "mobile" | "desk" | "mail" | "phone" | "email";
        SystemName: string;
        /** @description The citizen, by Relais pivot id or by the identifier one connected system knows them by. */
        CitizenReference: {
            /** Format: uuid */
            pivotId: string;
        } | {
            system: components["schemas"]["SystemName"];
            id: string;
        };
        /**
         * @description The citizen a change is about: by Relais pivot id, by the identifier one connected system
         *     knows them by, or by civil data, which the gateway resolves through the authoritative
         *     register: exactly one person matches → their pivot id (created and linked to the register's
         *     identifier if new); none → 422; several (homonyms) → the change is accepted but held for
         *     review (`held_for_review`) and nothing propagates until an agent decides. Matching ignores
         *     accents, case, hyphens and apostrophes, and accepts the first given name(s) only.
         */
        ChangeCitizen: components["schemas"]["CitizenReference"] | {
            civil: components["schemas"]["CivilIdentity"];
        };
        CivilIdentity: {
            birthName: string;
            givenNames: string[];
            /** Format: date */
            dateOfBirth: string;
            placeOfBirth: {
                communeName: string;
                communeInsee?: string;
                country: string;
            };
        };
        ChangeRequest: {
            /**
             * @description An event type of the catalogue, versioned (fr.relais.citizen.address.changed.v1,
             *     fr.relais.service-request.submitted.v1…; docs/events.md). An unknown type is a 422 on `/type`.
             */
            type: string;
            citizen: components["schemas"]["ChangeCitizen"];
            channel: components["schemas"]["Channel"];
            /**
             * @description The event data, valid against the type's JSON Schema (schemas/events/<type>.json, its
             *     `$id` travels as the event's `ce_dataschema`). Failures point into it: `/data/...`.
             */
            data: Record<string, never>;
            /** @description Systems the citizen asks to inform, for routes whose legal basis is the citizen's own request. */
            recipients?: components["schemas"]["SystemName"][];
        };
        /**
         * @description pending: accepted, not routed yet; delivered: on the system's delivery topic, waiting for
         *     its connector (also while the silo is unavailable); unknown: an apply timed out and is
         *     being settled (transient); applied; rejected: the system refused it (reason);
         *     superseded: a newer change of the same kind was already applied there, so this one was
         *     not written (a stale replay or retry); dead_lettered: it failed (reason), see the
         *     system's dead letters; objected: not sent, because the citizen objects to this system
         *     where the route's legal basis allows it (settled, never a failure; docs/privacy.md).
         * @enum {string}
         */
        RecipientStatus: "pending" | "delivered" | "unknown" | "applied" | "rejected" | "superseded" | "dead_lettered" | "objected";
        /**
         * @description in_progress: some system has not settled yet; completed: every system applied it (or a
         *     newer change of the same kind, when it was superseded);
         *     completed_with_errors: every system settled and some rejected it or it was dead-lettered;
         *     no_recipients: no flow routes this change anywhere; held_for_review: its civil data matched
         *     several people in the register and an agent must choose (nothing propagates meanwhile);
         *     review_rejected: the agent found none of them was the citizen (nothing propagated).
         * @enum {string}
         */
        ChangeStatus: "in_progress" | "completed" | "completed_with_errors" | "no_recipients" | "held_for_review" | "review_rejected";
        Recipient: {
            system: components["schemas"]["SystemName"];
            status: components["schemas"]["RecipientStatus"];
            /** @description Why it was rejected or dead-lettered. */
            reason?: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @description A change told through a channel has `channel`; a change that started inside a silo (a
         *     death recorded by the civil registry, published by its source connector) has `origin`
         *     instead: the system it came from, which never receives it back.
         */
        Change: {
            /** Format: uuid */
            id: string;
            type: string;
            /**
             * Format: uuid
             * @description The citizen; absent while the change is held for review (or after the review rejected every candidate).
             */
            pivotId?: string;
            /** @description The identity review of a change whose civil data matched several people. */
            identityReview?: {
                /** Format: uuid */
                id: string;
                status: components["schemas"]["IdentityReviewStatus"];
            };
            channel?: components["schemas"]["Channel"];
            origin?: components["schemas"]["SystemName"];
            /** Format: date-time */
            acceptedAt: string;
            status: components["schemas"]["ChangeStatus"];
            /** @description The systems concerned (the overall status is theirs alone). */
            recipients: components["schemas"]["Recipient"][];
            /**
             * @description The systems the flows route this kind of change to that are not recipients of this one,
             *     and why: they hold no file on the citizen (`no-file`: the route's audience is `holders`,
             *     docs/flows.md). They receive nothing, have no status, and count in neither the overall
             *     status nor the KPIs. Absent when every routed system is concerned.
             */
            notConcerned?: components["schemas"]["NotConcerned"][];
        };
        NotConcerned: {
            system: components["schemas"]["SystemName"];
            /**
             * @description no-file: the crosswalk knows no file of the citizen in this system, and its route delivers only to holders. no-family-contact: the citizen is deceased, the route writes to their declared family contact instead (onDeath: family-contact, docs/flows.md), and none is declared: nothing is sent to anyone.
             * @enum {string}
             */
            reason: "no-file" | "no-family-contact";
        };
        Disclosures: {
            /** Format: uuid */
            pivotId: string;
            entries: components["schemas"]["Disclosure"][];
        };
        /**
         * @description delivery: the citizen's data handed over to (and applied by) a system, from the disclosure
         *     ledger; read: someone other than the citizen read their data (the audit log).
         */
        Disclosure: {
            /** @enum {string} */
            kind: "delivery" | "read";
            /** Format: date-time */
            at: string;
            /** Format: uuid */
            changeId?: string;
            channel?: string;
            eventType?: string;
            system?: string;
            route?: string;
            /** @description The route's legal basis: its kind, then its reference. */
            legalBasis?: string;
            /** @description What the exchange is for (the route's description). */
            purpose?: string;
            /** @description Names of the fields handed over, never their values. */
            fields?: string[];
            /** Format: date-time */
            handedOverAt?: string;
            /** Format: date-time */
            appliedAt?: string;
            /** @description Who read (an agent's subject or a service's name). */
            reader?: string;
            operation?: string;
            /** @description The rights file's grant that allowed the read. */
            grant?: string;
            /** @description A delivery: whether the route's legal basis lets the citizen object to this recipient (basis.objection: allowed, in the flows in force). */
            objectionAllowed?: boolean;
        };
        Me: {
            /** @description A service's client name or an agent's (a citizen's) subject. */
            name: string;
            /** @enum {string} */
            kind: "service" | "agent";
            roles: string[];
            /**
             * Format: uuid
             * @description The citizen this token stands for (a citizen's token
             */
            pivotId?: string;
            /**
             * @description How a citizen's civil identity was matched to a pivot id (absent for other callers).
             * @enum {string}
             */
            identity?: "matched" | "ambiguous" | "not-found" | "register-unavailable";
        };
        Objections: {
            /** Format: uuid */
            pivotId: string;
            objections: components["schemas"]["Objection"][];
        };
        Objection: {
            system: components["schemas"]["SystemName"];
            declaredBy: string;
            /** Format: date-time */
            declaredAt: string;
        };
        /** @description The person a flow may write to instead of the citizen once a death is registered for them. */
        FamilyContactDeclaration: {
            /** @description How to address the contact. */
            name: string;
            /** Format: email */
            email: string;
            /** @description How the contact is related to the citizen, in the declarer's words (fille, spouse…). */
            relationship: string;
            /**
             * @description The language the contact is written to in.
             * @enum {string}
             */
            language: "fr" | "en";
        };
        FamilyContact: {
            /**
             * Format: uuid
             * @description The citizen (the one a merged pivot id stands for now).
             */
            pivotId: string;
            name: string;
            email: string;
            relationship: string;
            /** @enum {string} */
            language: "fr" | "en";
            /** @description The credential or agent that declared it. */
            declaredBy: string;
            /** Format: date-time */
            declaredAt: string;
        };
        ChangePreview: {
            type: string;
            /** @description false when the citizen is named by civil data: the crosswalk was not asked. */
            citizenKnown: boolean;
            recipients: {
                system: components["schemas"]["SystemName"];
                /** @description The flow route's id. */
                route: string;
                /**
                 * @description The basis is the citizen's request: the system receives the change only if the
                 *     change's `recipients` name it. The preview lists every such system the flows
                 *     offer, whether `recipients` names it or not (see `chosen`), so the citizen can choose.
                 */
                optional: boolean;
                /** @description An optional recipient that the request's `recipients` names (absent when not optional). */
                chosen?: boolean;
                /** @description The legal basis kind (legal-obligation, public-task, citizen-request…). */
                basis: string;
                /** @description The text the basis rests on. */
                basisReference: string;
                /** @description The fields of `data` the system would receive (dot paths), after minimisation. */
                fields: string[];
            }[];
            notConcerned: {
                system: components["schemas"]["SystemName"];
                /** @enum {string} */
                reason: "no-file" | "no-family-contact";
            }[];
        };
        CitizenSearch: {
            citizens: {
                /** Format: uuid */
                pivotId: string;
                /** @description A search by civil data only; the criteria that matched. */
                matched?: ("birthName" | "givenNames" | "dateOfBirth" | "placeOfBirth")[];
                /** @description A search by civil data only; the identity score (docs/adr/0025). */
                score?: number;
            }[];
        };
        Citizen: {
            /** Format: uuid */
            pivotId: string;
            merged?: string[];
            /** @description One entry per system holding a file on the citizen, by system name. */
            files: {
                system: components["schemas"]["SystemName"];
                /** @description The citizen's identifier in that system. */
                identifier: string;
                /** @description The last change this system applied for the citizen. */
                lastApplied?: {
                    /** Format: uuid */
                    changeId: string;
                    type: string;
                    /** Format: date-time */
                    at: string;
                };
            }[];
        };
        /** @description A contact with the citizen that is not a change. Every property carries its personal-data label. */
        InteractionDeclaration: {
            channel: components["schemas"]["Channel"];
            /** @description What the contact was about. */
            subject: string;
            /** @description The agent's note. */
            note?: string;
            /**
             * Format: date-time
             * @description When it happened (default: now).
             */
            occurredAt?: string;
            /** @description Changes about this citizen the contact led to or is about. */
            changeIds?: string[];
            /** @description Service requests of this citizen the contact is about. */
            requestIds?: string[];
        };
        Interaction: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The citizen (the one a merged pivot id stands for now).
             */
            pivotId: string;
            channel: components["schemas"]["Channel"];
            subject: string;
            note?: string;
            /** Format: date-time */
            occurredAt: string;
            /** @description The agent (token subject) or credential that logged it. */
            agent: string;
            changeIds: string[];
            requestIds: string[];
            /** Format: date-time */
            recordedAt: string;
        };
        InteractionList: {
            /** Format: uuid */
            pivotId: string;
            interactions: components["schemas"]["Interaction"][];
        };
        TimelineEntry: {
            /** Format: date-time */
            at: string;
            /**
             * @description service_request entries are a request's status changes; their changeId is the request's id. interaction entries are logged contacts (channel and subject; the note is read with GET /v1/citizens/{pivotId}/interactions); their changeId is the contact's id.
             * @enum {string}
             */
            kind: "change_accepted" | "system_outcome" | "service_request" | "interaction";
            /** Format: uuid */
            changeId: string;
            type: string;
            /** @description An interaction's subject. */
            subject?: string;
            /** @description How the citizen told Relais (absent when the change came from a silo). */
            channel?: components["schemas"]["Channel"];
            /** @description The system the change came from (changes that started inside a silo). */
            origin?: components["schemas"]["SystemName"];
            system?: components["schemas"]["SystemName"];
            status?: components["schemas"]["RecipientStatus"];
            reason?: string;
            requestStatus?: components["schemas"]["ServiceRequestStatus"];
        };
        Timeline: {
            /**
             * Format: uuid
             * @description The citizen (the one it was merged into, when the path named a merged pivot id).
             */
            pivotId: string;
            /** @description Pivot ids merged into this citizen; their changes are in the timeline too (they keep the pivot id they were recorded under). */
            merged?: string[];
            entries: components["schemas"]["TimelineEntry"][];
        };
        /**
         * @description submitted: accepted by Relais; acknowledged, scheduled, in-progress, on-hold, reassigned:
         *     the service's updates while open; resolved, rejected, duplicate, withdrawn: closed.
         * @enum {string}
         */
        ServiceRequestStatus: "submitted" | "acknowledged" | "scheduled" | "in-progress" | "on-hold" | "reassigned" | "resolved" | "rejected" | "duplicate" | "withdrawn";
        ServiceRequestSubmission: {
            citizen: components["schemas"]["CitizenReference"];
            channel: components["schemas"]["Channel"];
            /** @description <domain>.<subject>, e.g. waste.missed-collection (schemas/defs/common.json serviceRequestCategory). */
            category: string;
            /** @description Where, as schemas/defs/common.json location — an address (BAN vocabulary) and/or a commune's INSEE code. */
            location: {
                [key: string]: unknown;
            };
            /** @description The citizen's own words. */
            description?: string;
            /** @description How to tell the citizen of the outcome; kept as the citizen's email address in Relais (it replaces an older one). */
            contact?: {
                /** Format: email */
                email?: string;
            };
        };
        ServiceRequestHistoryEntry: {
            status: components["schemas"]["ServiceRequestStatus"];
            /** Format: date-time */
            at: string;
            system?: components["schemas"]["SystemName"];
            /** @description The service's message to the citizen. */
            comment?: string;
        };
        ServiceRequest: {
            /**
             * Format: uuid
             * @description Also the requestId of its events and the id of its submission (GET /v1/changes/{id}).
             */
            id: string;
            /** Format: uuid */
            pivotId: string;
            channel: components["schemas"]["Channel"];
            category: string;
            location?: {
                [key: string]: unknown;
            };
            description?: string;
            competentService: components["schemas"]["SystemName"];
            status: components["schemas"]["ServiceRequestStatus"];
            /** Format: date-time */
            submittedAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Delivery of the submission to each system (the competent service, notifications). */
            recipients: components["schemas"]["Recipient"][];
            /** @description Oldest first. */
            history: components["schemas"]["ServiceRequestHistoryEntry"][];
        };
        ServiceRequestSummary: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            pivotId: string;
            channel: components["schemas"]["Channel"];
            category: string;
            /** @description The INSEE code of the request's commune, when its location gives one. */
            commune?: string;
            competentService: components["schemas"]["SystemName"];
            status: components["schemas"]["ServiceRequestStatus"];
            /** Format: date-time */
            submittedAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Hours since submission (until closed, for a closed request). */
            ageHours: number;
            /** @description The time its category should be handled in (docs/adr/0035). */
            targetHours: number;
            /** @description Open and older than its target. */
            overdue: boolean;
        };
        ServiceRequestList: {
            requests: components["schemas"]["ServiceRequestSummary"][];
        };
        ServiceRequestAssignment: {
            service: components["schemas"]["SystemName"];
            /** @description Told to the citizen with the reassignment. */
            comment?: string;
        };
        ServiceRequestNote: {
            note: string;
        };
        ServiceRequestAnswer: {
            /** @enum {string} */
            status: "acknowledged" | "scheduled" | "in-progress" | "on-hold" | "resolved" | "rejected" | "duplicate" | "withdrawn";
            /** @description The text the citizen receives. */
            message: string;
            /**
             * Format: date
             * @description With an open status, when the service plans to act.
             */
            plannedDate?: string;
        };
        ServiceRequestAction: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            requestId: string;
            /** @enum {string} */
            kind: "assigned" | "noted" | "answered";
            agent: string;
            service?: components["schemas"]["SystemName"];
            /** @description A note, an answer's message, an assignment's comment. */
            note?: string;
            /**
             * Format: uuid
             * @description The change that told the citizen (assigned, answered).
             */
            changeId?: string;
            /** @description In a trace, the delivery of that change to each system (the email). */
            delivery?: components["schemas"]["Recipient"][];
            /** Format: date-time */
            at: string;
        };
        ServiceRequestTrace: {
            request: components["schemas"]["ServiceRequest"];
            commune?: string;
            ageHours: number;
            targetHours: number;
            overdue: boolean;
            /** @description The systems it may be assigned to (declared, not notification channels). */
            services: components["schemas"]["SystemName"][];
            /** @description Oldest first. */
            actions: components["schemas"]["ServiceRequestAction"][];
        };
        /** @enum {string} */
        IdentityReviewStatus: "pending" | "matched" | "rejected";
        /** @enum {string} */
        MatchCriterion: "birthName" | "givenNames" | "dateOfBirth" | "placeOfBirth";
        IdentityCandidate: {
            /** @description The register's identifier of the person. */
            registerId: string;
            /** @description The criteria this person matches, by Relais' rules. */
            matched: components["schemas"]["MatchCriterion"][];
            /**
             * @description The sum of the weights of the matched criteria (birth name 35, given names 25, birth date
             *     25, birth place 15). A candidate is plausible from RELAIS_IDENTITY_REVIEW_SCORE; the only
             *     plausible one is linked without a person from RELAIS_IDENTITY_LINK_SCORE.
             */
            score?: number;
            /** @description How each criterion compared. */
            criteria?: components["schemas"]["CriterionMatch"][];
            identity: components["schemas"]["CivilIdentity"];
        };
        CriterionMatch: {
            criterion: components["schemas"]["MatchCriterion"];
            matched: boolean;
            /**
             * @description identical: as written; folded: once accents, case, ligatures (Œ, Æ), apostrophes, hyphens
             *     and "St"/"Saint" are set aside; compact: only without separators; first-given-names: the
             *     register's first given names only; insee-code / commune-name: what the birth places were
             *     compared on; different: no match.
             * @enum {string}
             */
            how: "identical" | "folded" | "compact" | "first-given-names" | "insee-code" | "commune-name" | "different";
            /** @description Counted in the score when matched. */
            weight: number;
        };
        IdentityReview: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            changeId: string;
            /** @description The held change's event type. */
            type: string;
            status: components["schemas"]["IdentityReviewStatus"];
            registerSystem: components["schemas"]["SystemName"];
            /** Format: date-time */
            createdAt: string;
            /** @description The civil data the change gave (pending reviews only). */
            civil?: components["schemas"]["CivilIdentity"];
            /** @description The register's persons who plausibly match (pending reviews only). */
            candidates?: components["schemas"]["IdentityCandidate"][];
            /** Format: date-time */
            decidedAt?: string;
            decidedBy?: string;
            chosenRegisterId?: string;
            reason?: string;
        };
        IdentityLinkRequest: {
            /** Format: uuid */
            pivotId: string;
            system: components["schemas"]["SystemName"];
            /** @description The system's own identifier of the citizen. */
            id: string;
            /**
             * @description Send the changes this system rejected for want of an identifier again.
             * @default false
             */
            redrive: boolean;
            /** @description Why (kept in the audit entry; no personal data). */
            reason?: string;
        };
        IdentityUnlinkRequest: {
            system: components["schemas"]["SystemName"];
            id: string;
            reason?: string;
        };
        IdentityMergeRequest: {
            /**
             * Format: uuid
             * @description The pivot id that stops standing for a citizen of its own.
             */
            from: string;
            /**
             * Format: uuid
             * @description The pivot id that stands for the person from now on.
             */
            into: string;
            /** @default true */
            redrive: boolean;
            reason?: string;
        };
        IdentityRedriveRequest: {
            /** Format: uuid */
            pivotId: string;
            systems?: components["schemas"]["SystemName"][];
            reason?: string;
        };
        RedrivenChange: {
            /** Format: uuid */
            changeId: string;
            systems: components["schemas"]["SystemName"][];
        };
        IdentityLinked: {
            /** Format: uuid */
            pivotId: string;
            system: components["schemas"]["SystemName"];
            id: string;
            created?: boolean;
            redriven?: components["schemas"]["RedrivenChange"][];
        };
        IdentityMerged: {
            /**
             * Format: uuid
             * @description The citizen (into).
             */
            pivotId: string;
            /**
             * Format: uuid
             * @description The pivot id merged into it (from).
             */
            merged: string;
            movedSystems: components["schemas"]["SystemName"][];
            redriven?: components["schemas"]["RedrivenChange"][];
        };
        IdentityRedriven: {
            /** Format: uuid */
            pivotId: string;
            redriven: components["schemas"]["RedrivenChange"][];
        };
        IdentityReviewList: {
            reviews: components["schemas"]["IdentityReview"][];
        };
        IdentityDecision: {
            /** @constant */
            decision: "match";
            /** @description One of the review's candidates. */
            registerId: string;
            /**
             * @description Also send again the changes about this person that systems rejected for want of an identifier they now have (POST /v1/identities/redrive).
             * @default true
             */
            redrive: boolean;
        } | {
            /** @constant */
            decision: "reject";
            /** @description Why none of the candidates is the citizen (no personal data). */
            reason: string;
        };
        HeldImportRecord: {
            importId: string;
            line: number;
            system: components["schemas"]["SystemName"];
            /** @description The system's own identifier of the person. */
            localId: string;
            /** @description Why it was held (homonyms, below the link score, …). */
            reason?: string;
            candidates: {
                registerId: string;
                score: number;
            }[];
        };
        HeldImportRecordList: {
            records: components["schemas"]["HeldImportRecord"][];
            /** @description Give it as `after` for the next page; absent on the last. */
            next?: string;
        };
        HeldImportDecision: {
            /** @description One of the record's candidates. */
            registerId: string;
            /**
             * @description Also send again the changes about this person that systems could not receive for want of an identifier.
             * @default true
             */
            redrive: boolean;
        } | {
            /** @constant */
            decision: "reject";
            /** @description Why none of the candidates is the person (no personal data). */
            reason?: string;
        };
        HeldImportDecisionResult: {
            importId: string;
            line: number;
            system: components["schemas"]["SystemName"];
            localId: string;
            /** @enum {string} */
            decision: "linked" | "rejected";
            /** Format: uuid */
            pivotId?: string;
            redriven?: {
                /** Format: uuid */
                changeId: string;
                systems: string[];
            }[];
        };
        IdentityDecisionResult: {
            review: components["schemas"]["IdentityReview"];
            change: components["schemas"]["Change"];
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        Check: {
            /** @enum {string} */
            status: "ok" | "unavailable";
            /** @description Why it is not ready (on the operations listener only: the public /readyz leaves it out). */
            reason?: string;
            /** @description Whether this check alone makes the process unready. */
            required: boolean;
        };
        Readiness: {
            /** @enum {string} */
            status: "ok" | "degraded" | "unavailable";
            /** @description By dependency (store, kafka, outbox, router, connector:<system>). */
            checks: {
                [key: string]: components["schemas"]["Check"];
            };
        };
        /** @description A share of the settled deliveries (0 to 1), null when none settled. */
        Rate: number | null;
        Seconds: number | null;
        DeliveryFigures: {
            /** @description Pairs (change, system) routed. */
            deliveries: number;
            applied: number;
            rejected: number;
            /** @description Not written because a newer change of the same kind was applied first. */
            superseded: number;
            deadLettered: number;
            /** @description Pending, delivered or unknown: not settled yet. */
            inProgress: number;
            successRate: components["schemas"]["Rate"];
            rejectionRate: components["schemas"]["Rate"];
            deadLetterRate: components["schemas"]["Rate"];
            medianSecondsToApply: components["schemas"]["Seconds"];
            p95SecondsToApply: components["schemas"]["Seconds"];
        };
        ChannelKpis: components["schemas"]["DeliveryFigures"] & {
            /** @description Changes accepted. */
            changes: number;
            /** @description Systems that applied a change the citizen did not have to contact. */
            contactsAvoided: number;
            contactsAvoidedPerChange: number | null;
        };
        Kpis: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            total: components["schemas"]["ChannelKpis"];
            byChannel: (components["schemas"]["ChannelKpis"] & {
                /** @description The channel the citizen used; null for changes that started inside a silo (see originSystem). */
                channel: components["schemas"]["Channel"] | null;
                /** @description For changes that started inside a silo (a source connector), that system. */
                originSystem?: components["schemas"]["SystemName"];
            })[];
            bySystem: (components["schemas"]["DeliveryFigures"] & {
                system: components["schemas"]["SystemName"];
            })[];
            /** @description Service requests submitted in the period, by channel and by competent system (empty where none exist). */
            serviceRequests: components["schemas"]["ServiceRequestKpis"][];
        };
        ServiceRequestKpis: {
            /** @enum {string} */
            dimension: "total" | "channel" | "system";
            key: string;
            submitted: number;
            resolved: number;
            open: number;
            medianSecondsToResolve: components["schemas"]["Seconds"];
            p95SecondsToResolve: components["schemas"]["Seconds"];
        };
        Subscription: {
            route: string;
            event: string;
            /** @enum {string} */
            basis: "legal-obligation" | "public-task" | "citizen-request";
            fields: string[];
        };
        SystemStatus: {
            name: components["schemas"]["SystemName"];
            connector: string;
            description?: string;
            subscriptions: components["schemas"]["Subscription"][];
            /** @description The connector's last applied delivery. */
            lastSuccessAt: string | null;
            /** @description Deliveries the connector applied (its ledger). */
            applied: number;
            /** @description Deliveries the connector dead-lettered and that were not applied since. */
            deadLetteredRecorded: number;
            /**
             * @description Since when the silo is unavailable (the connector's circuit is open: consecutive
             *     failures across deliveries, refused connections, timeouts). Its deliveries wait as
             *     `delivered` and are not dead-lettered, unless the outage outlasts the system's
             *     patience (RELAIS_SINK_PATIENCE_MS). Null while it answers.
             */
            unavailableSince?: string | null;
            /**
             * @description An operator's pause (POST /v1/systems/{system}/pause): since when, by whom, why. Its
             *     deliveries wait as `delivered` until it is resumed. Null when not paused.
             */
            pause?: components["schemas"]["SystemPause"] | null;
            /** @description Deliveries waiting for the connector. */
            lag: number | null;
            /** @description Messages kept in the system's dead-letter topic. */
            deadLettersInTopic: number | null;
            /** @description Connector processes in the consumer group. */
            connectorInstances: number | null;
            /** @description The system's source connector (changes that start inside the silo), when it has polled at least once. */
            source?: {
                /** @description When its checkpoint last moved. */
                checkpointSavedAt: string | null;
                consecutiveFailures: number;
                lastError?: string;
                /** Format: date-time */
                lastErrorAt?: string;
            };
        };
        Systems: {
            /** @description `ok`, or why Kafka figures are missing. */
            kafka: string;
            systems: components["schemas"]["SystemStatus"][];
        };
        DeadLetter: {
            /**
             * @description delivery: the sink could not apply it; source: the source could not publish a record it read.
             * @enum {string}
             */
            kind: "delivery" | "source";
            /** @description The event id (null for a message that was not a delivery). */
            eventId: string | null;
            /** @description The event type. */
            type: string | null;
            /** @description The citizen's pivot id (a pseudonym). */
            pivotId: string | null;
            /** @description The error code (docs/errors.md). */
            code: string;
            /** @description Why it was dead-lettered (no personal data). */
            error: string;
            attempts: number;
            failedAt: string | null;
            partition: number;
            /** @description Offset in the dead-letter topic (decimal). */
            offset: string;
            /**
             * @description What the connector's ledger says now; poison is a message that cannot be decoded as a delivery; replay_pending
             * @enum {string}
             */
            status: "dead_lettered" | "applied" | "rejected" | "superseded" | "poison" | "replay_pending" | "published" | "discarded";
            /** @description The last replay (audit log). */
            replayedAt: string | null;
            /** @description Source dead letters: the checkpoint of the poll that read the record (the cursor moved past it). */
            checkpoint?: string | null;
        };
        DeadLetters: {
            system: components["schemas"]["SystemName"];
            deadLetters: components["schemas"]["DeadLetter"][];
        };
        /** @description Either the events to re-drive, or all of them. */
        DeadLetterReplay: {
            eventIds: string[];
            kind?: components["schemas"]["DeadLetterKind"];
        } | {
            /** @constant */
            all: true;
            kind?: components["schemas"]["DeadLetterKind"];
        };
        /**
         * @description Which dead letters to re-drive: deliveries (to the sink) or source records (mapped again by the source).
         * @default delivery
         * @enum {string}
         */
        DeadLetterKind: "delivery" | "source";
        DeadLetterReplayResult: {
            system: components["schemas"]["SystemName"];
            /** @description Events re-driven (each audited). */
            replayed: string[];
            skipped: {
                eventId: string;
                reason: string;
            }[];
        };
        SystemPause: {
            /** Format: date-time */
            since: string;
            /** @description Who paused it (the caller's name). */
            by: string;
            reason: string;
        };
        SystemPauseRequest: {
            /** @description Why (kept in the audit log and shown with the system); no personal data. */
            reason: string;
        };
        SystemPauseState: {
            system: components["schemas"]["SystemName"];
            pause: components["schemas"]["SystemPause"] | null;
        };
        DeadLetterDiscard: {
            eventIds: string[];
            /** @description Why it must not be applied (kept in the audit log). */
            reason: string;
        };
        DeadLetterDiscardResult: {
            system: components["schemas"]["SystemName"];
            /** @description Events discarded (each audited). */
            discarded: string[];
            skipped: {
                eventId: string;
                reason: string;
            }[];
        };
        DeadLetterInspection: {
            deadLetter: components["schemas"]["DeadLetter"];
            /** @description The flow route that made the delivery. */
            routeId: string;
            /** @description The delivery's data as the system received it. */
            data: {
                [key: string]: unknown;
            };
        };
        DeadLetterFix: {
            /** @description The corrected data (the whole of it). */
            data: {
                [key: string]: unknown;
            };
        };
        DeadLetterFixResult: {
            system: components["schemas"]["SystemName"];
            /** Format: uuid */
            eventId: string;
            /** @description The top-level fields the correction changed. */
            fields: string[];
        };
        ValidationIssue: {
            /** @description JSON pointer into the request body. */
            field: string;
            message: string;
        };
        Problem: {
            /** @description URI of the problem type (docs/errors.md). */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            /** @description Stable error code. */
            code: string;
            errors?: components["schemas"]["ValidationIssue"][];
            /**
             * @description rights-refused only: the rule of the rights file that refused (deny-by-default,
             *     originate, naming, act-confirmed-by-register, read:<right>); `detail` says where the
             *     caller's grants are declared (file:line). docs/security.md.
             */
            rule?: string;
        };
    };
    responses: {
        /** @description An RFC 9457 problem. */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description A system declared in the flows. */
        System: components["schemas"]["SystemName"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    postChange: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: string;
                /** @description W3C Trace Context; continued through Kafka to the silos. */
                traceparent?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeRequest"];
            };
        };
        responses: {
            /** @description Accepted and stored; propagation has started. */
            202: {
                headers: {
                    /** @description The change's status URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Change"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    previewChange: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeRequest"];
            };
        };
        responses: {
            /** @description The preview. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangePreview"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getChange: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Change"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    findCitizens: {
        parameters: {
            query?: {
                pivotId?: string;
                system?: components["schemas"]["SystemName"];
                identifier?: string;
                /** @description With givenNames and dateOfBirth */
                birthName?: string;
                /** @description Given names in order */
                givenNames?: string;
                dateOfBirth?: string;
                /** @description Optional */
                placeOfBirth?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description The citizens found (at most one for a pivot id or an identifier). By civil data: the
             *     civil register's candidates that the identity rules (docs/adr/0025) find plausible and
             *     that Relais knows, each with the criteria that matched and its score; an empty list
             *     when no one is found. A search links no one. 503 when the register cannot be asked.
             */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CitizenSearch"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getCitizen: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The citizen's files. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Citizen"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getTimeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The timeline. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Timeline"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    listInteractions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The contacts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InteractionList"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    postInteraction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InteractionDeclaration"];
            };
        };
        responses: {
            /** @description The contact is logged. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Interaction"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getFamilyContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The declared contact. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FamilyContact"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    putFamilyContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FamilyContactDeclaration"];
            };
        };
        responses: {
            /** @description The contact replaced the one declared before. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FamilyContact"];
                };
            };
            /** @description The contact is declared. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FamilyContact"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    deleteFamilyContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The contact is withdrawn. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
        };
    };
    getDisclosures: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The disclosures. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Disclosures"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getObjections: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The objections. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Objections"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    putObjection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
                system: components["schemas"]["SystemName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The objection was already in force. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Objection"];
                };
            };
            /** @description The objection is recorded. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Objection"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    deleteObjection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
                system: components["schemas"]["SystemName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The objection is withdrawn. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    eraseCitizen: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pivotId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The citizen's keys are destroyed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Erasure"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    listServiceRequests: {
        parameters: {
            query?: {
                category?: string;
                /** @description The INSEE code of the request's commune. */
                commune?: string;
                /** @description A status, or `open` (not closed) or `closed`. */
                status?: string;
                service?: components["schemas"]["SystemName"];
                olderThanHours?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The matching requests. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceRequestList"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    postServiceRequest: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: string;
                traceparent?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ServiceRequestSubmission"];
            };
        };
        responses: {
            /** @description Accepted and stored; routed to the competent service. */
            202: {
                headers: {
                    /** @description The service request's URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceRequest"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getServiceRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service request. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceRequest"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getServiceRequestTrace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The trace. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceRequestTrace"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    assignServiceRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ServiceRequestAssignment"];
            };
        };
        responses: {
            /** @description Assigned; the change that tells the citizen is `changeId`. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceRequestAction"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
        };
    };
    noteServiceRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ServiceRequestNote"];
            };
        };
        responses: {
            /** @description Noted. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceRequestAction"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
        };
    };
    answerServiceRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ServiceRequestAnswer"];
            };
        };
        responses: {
            /** @description Accepted; `changeId` is the change carrying the answer. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceRequestAction"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
        };
    };
    listIdentityReviews: {
        parameters: {
            query?: {
                status?: "pending" | "matched" | "rejected";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reviews. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityReviewList"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    listHeldImportRecords: {
        parameters: {
            query: {
                system: components["schemas"]["SystemName"];
                importId?: string;
                /** @description The previous page's `next`. */
                after?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The held records. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HeldImportRecordList"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    decideHeldImportRecord: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                importId: string;
                line: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HeldImportDecision"];
            };
        };
        responses: {
            /** @description Decided. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HeldImportDecisionResult"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getIdentityReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The review. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityReview"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    decideIdentityReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IdentityDecision"];
            };
        };
        responses: {
            /** @description Decided; the review and its change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityDecisionResult"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready (`ok`, or `degraded`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not ready; the failing checks are named. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    linkIdentifier: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IdentityLinkRequest"];
            };
        };
        responses: {
            /** @description Already linked; nothing changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityLinked"];
                };
            };
            /** @description Linked. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityLinked"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    unlinkIdentifier: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IdentityUnlinkRequest"];
            };
        };
        responses: {
            /** @description Unlinked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityLinked"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    mergeCitizens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IdentityMergeRequest"];
            };
        };
        responses: {
            /** @description Merged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityMerged"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    redriveIdentityUnknown: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IdentityRedriveRequest"];
            };
        };
        responses: {
            /** @description What was sent again (possibly nothing). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityRedriven"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getKpis: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The KPIs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Kpis"];
                    "text/csv": string;
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getSystems: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The systems. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Systems"];
                };
            };
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    pauseSystem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A system declared in the flows. */
                system: components["parameters"]["System"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SystemPauseRequest"];
            };
        };
        responses: {
            /** @description The system is paused. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemPauseState"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
        };
    };
    resumeSystem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A system declared in the flows. */
                system: components["parameters"]["System"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The system is no longer paused. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemPauseState"];
                };
            };
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                /** @description Only this kind of dead letter (both when absent). */
                kind?: "delivery" | "source";
            };
            header?: never;
            path: {
                /** @description A system declared in the flows. */
                system: components["parameters"]["System"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The dead letters. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetters"];
                };
            };
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    replayDeadLetters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A system declared in the flows. */
                system: components["parameters"]["System"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeadLetterReplay"];
            };
        };
        responses: {
            /** @description What was re-driven and what was skipped. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterReplayResult"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    discardDeadLetters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A system declared in the flows. */
                system: components["parameters"]["System"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeadLetterDiscard"];
            };
        };
        responses: {
            /** @description What was discarded and what was skipped. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterDiscardResult"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    inspectDeadLetter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A system declared in the flows. */
                system: components["parameters"]["System"];
                eventId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The dead letter and its data. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterInspection"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    fixDeadLetter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A system declared in the flows. */
                system: components["parameters"]["System"];
                eventId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeadLetterFix"];
            };
        };
        responses: {
            /** @description Re-driven; `fields` names what changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterFixResult"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            422: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
        };
    };
    getAsyncApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The AsyncAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": string;
                };
            };
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    getPublicKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The JWKS. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
        };
    };
}

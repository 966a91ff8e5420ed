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
         */
        post: operations["postChange"];
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
    "/v1/citizens/{pivotId}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every change and outcome for one citizen, across channels and systems
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
    "/v1/service-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
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
         * Readiness (the store answers; Kafka state is reported, not required)
         * @description The gateway accepts changes while Kafka is down (they wait in the outbox), so readiness depends on the store only.
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
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
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
        ChangeRequest: {
            /**
             * @description An event type of the catalogue, versioned (fr.relais.citizen.address.changed.v1,
             *     fr.relais.service-request.submitted.v1…; docs/events.md). An unknown type is a 422 on `/type`.
             */
            type: string;
            citizen: components["schemas"]["CitizenReference"];
            channel: components["schemas"]["Channel"];
            /**
             * @description The event data, valid against the type's JSON Schema (schemas/events/<type>.json, its
             *     `$id` travels as the event's `ce_dataschema`). Failures point into it: `/data/...`.
             */
            data: Record<string, never>;
            /** @description Systems the citizen asks to inform, for routes whose legal basis is the citizen's own request. */
            recipients?: components["schemas"]["SystemName"][];
        };
        /** @enum {string} */
        RecipientStatus: "pending" | "delivered" | "applied" | "rejected" | "dead_lettered";
        /**
         * @description in_progress: some system has not settled yet; completed: every system applied it;
         *     completed_with_errors: every system settled and some rejected it or it was dead-lettered;
         *     no_recipients: no flow routes this change anywhere.
         * @enum {string}
         */
        ChangeStatus: "in_progress" | "completed" | "completed_with_errors" | "no_recipients";
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
            /** Format: uuid */
            pivotId: string;
            channel?: components["schemas"]["Channel"];
            origin?: components["schemas"]["SystemName"];
            /** Format: date-time */
            acceptedAt: string;
            status: components["schemas"]["ChangeStatus"];
            recipients: components["schemas"]["Recipient"][];
        };
        TimelineEntry: {
            /** Format: date-time */
            at: string;
            /**
             * @description service_request entries are a request's status changes; their changeId is the request's id.
             * @enum {string}
             */
            kind: "change_accepted" | "system_outcome" | "service_request";
            /** Format: uuid */
            changeId: string;
            type: string;
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
            /** Format: uuid */
            pivotId: string;
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
        Health: {
            /** @enum {string} */
            status: "ok" | "unavailable";
            checks?: {
                [key: string]: string;
            };
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
    parameters: never;
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
            /** @description Ready. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Not ready. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
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
}

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
         * @description Requires scope `changes:write`. With an `Idempotency-Key`, repeating the same request
         *     returns the same change; reusing the key for a different request is a 409.
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
            /** @description An event type of the catalogue, e.g. fr.relais.citizen.address.changed.v1. */
            type: string;
            citizen: components["schemas"]["CitizenReference"];
            channel: components["schemas"]["Channel"];
            /** @description The event data, valid against the type's schema in schemas/events/. */
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
            /** @enum {string} */
            kind: "change_accepted" | "system_outcome";
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
        };
        Timeline: {
            /** Format: uuid */
            pivotId: string;
            entries: components["schemas"]["TimelineEntry"][];
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

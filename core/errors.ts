/**
 * The closed set of Relais errors. Every error that crosses a module boundary is a RelaisError
 * with a stable code (never reused, listed in docs/errors.md), a `retriable` flag that tells the
 * caller whether trying again can help, and the original cause.
 */
export const errorCodes = {
  CONFIG_INVALID: { retriable: false, meaning: 'An environment variable is missing or malformed.' },
  FLOW_INVALID: { retriable: false, meaning: 'A flow file breaks the flow schema or names an unknown event type or system.' },
  RIGHTS_INVALID: {
    retriable: false,
    meaning: 'The rights file (flows/rights.yaml) is missing, breaks its schema, or names an unknown event type or system.',
  },
  SCHEMA_UNKNOWN: { retriable: false, meaning: 'An event type has no schema in schemas/.' },
  EVENT_INVALID: { retriable: false, meaning: 'An event or delivery does not match its schema or envelope.' },
  KAFKA_UNAVAILABLE: { retriable: true, meaning: 'The Kafka cluster could not be reached or did not acknowledge in time.' },
  STORE_UNAVAILABLE: { retriable: true, meaning: 'The state store (PostgreSQL or PGlite) failed or did not answer in time.' },
  STORE_CONFLICT: {
    retriable: false,
    meaning: 'The state store refused a write that breaks one of its constraints (SQLSTATE class 23); the message names the constraint.',
  },
  SILO_UNAVAILABLE: { retriable: true, meaning: 'A silo did not answer, timed out or answered 5xx.' },
  SILO_REFUSED: { retriable: false, meaning: 'A silo refused a delivery (4xx or a business rule).' },
  SILO_ACK_OVERDUE: { retriable: true, meaning: 'A batch silo did not acknowledge a handed-over delivery before the deadline.' },
  CONNECTOR_FAILED: { retriable: false, meaning: 'A connector threw an unexpected error; the delivery is dead-lettered.' },
  SQL_FAILED: {
    retriable: false,
    meaning: 'A SQL statement against a silo database failed for a reason other than the connection (a constraint, a bug).',
  },
  CITIZEN_DECEASED: {
    retriable: false,
    meaning:
      "A death is registered for the citizen: a notification connector sends nothing to the deceased's own address (receipt `rejected`); the gateway refuses later changes (409 citizen-deceased).",
  },
  IDENTITY_UNKNOWN: {
    retriable: false,
    meaning:
      "No identifier is known for the citizen in a recipient whose route's audience is `residents` (a `holders` recipient without one is not concerned).",
  },
  SCAFFOLD_REFUSED: {
    retriable: false,
    meaning:
      'relais connector new or relais-connector new refused: the name is not kebab-case or is taken (a connector, simulator, flow file or setting), or the directory does not fit the layout (not a Relais repository; standalone, a Relais repository or a package.json that is not a JSON object).',
  },
  XML_UNSAFE: {
    retriable: false,
    meaning:
      'An XML message (SOAP, WSDL) had a DOCTYPE or entity declarations, nested too deep, was too large or not well-formed; refused before parsing.',
  },
  SIGNATURE_INVALID: {
    retriable: false,
    meaning:
      'A signature (a receipt, an audit checkpoint, an evidence bundle) is missing, made with an unpublished key, or does not match what it signs.',
  },
  EVIDENCE_INVALID: {
    retriable: false,
    meaning:
      'An evidence bundle cannot be exported (no such change) or does not verify: edited, or a signature, a hash link or a checkpoint fails.',
  },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class RelaisError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelaisError';
    this.code = code;
    this.retriable = options.retriable ?? errorCodes[code].retriable;
  }
}

/** A failure worth retrying: the runtime backs off and tries again, then dead-letters. */
export class RetryableError extends RelaisError {
  constructor(message: string, options: { cause?: unknown; code?: ErrorCode } = {}) {
    super(options.code ?? 'SILO_UNAVAILABLE', message, { cause: options.cause, retriable: true });
    this.name = 'RetryableError';
  }
}

/**
 * An error with one of the codes above, whether a RelaisError or a module's own error class
 * carrying the code (the event catalogue's SchemaUnknownError: schemas/ imports no kernel code).
 */
export function coded(error: unknown): { code: ErrorCode; retriable: boolean; message: string } | undefined {
  if (error instanceof RelaisError) return error;
  if (!(error instanceof Error)) return undefined;
  const { code, retriable } = error as Error & { code?: unknown; retriable?: unknown };
  if (typeof code === 'string' && code in errorCodes) {
    const known = code as ErrorCode;
    return { code: known, retriable: typeof retriable === 'boolean' ? retriable : errorCodes[known].retriable, message: error.message };
  }
  return undefined;
}

export function isRetriable(error: unknown): boolean {
  return coded(error)?.retriable ?? false;
}

/** A one-line description of an error and its causes, safe for logs and DLQ headers. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    if (current instanceof Error) {
      const known = coded(current);
      parts.push(known ? `${known.code}: ${known.message}` : current.message);
      // A Relais error's message is written for logs; its cause (a driver's error) may quote data.
      if (current instanceof RelaisError && current.code === 'STORE_UNAVAILABLE') break;
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : JSON.stringify(current));
      break;
    }
  }
  return parts.join(' <- ');
}

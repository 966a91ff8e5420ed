/**
 * Structured JSON logs (pino). Personal data never reaches a log in clear: values under keys
 * that hold personal data are replaced before writing, wherever they sit in the object, and
 * identifiers that a log needs for correlation go through `hashId`, a salted one-way hash.
 * Issue #3 derives the key list from the schemas' PII labels; until then it is the list below.
 */
import { createHmac } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

const personalKeys = new Set(
  [
    'name', 'names', 'givenNames', 'birthName', 'usageName', 'firstName', 'lastName', 'nom', 'prenoms',
    'address', 'adresse', 'street', 'streetName', 'postcode', 'postalCode', 'codePostal', 'libelleVoie',
    'email', 'phone', 'telephone', 'dateOfBirth', 'birthDate', 'placeOfBirth',
    'citizenId', 'localId', 'identifier', 'identifiers', 'nir', 'numeroDossier',
    'data', 'body', 'authorization', 'token', 'apiKey', 'password', 'cookie',
  ].map((key) => key.toLowerCase()),
);

export const REDACTED = '[redacted]';

/** Deep copy of `value` with every personal-data key's value replaced. */
export function redactPersonal(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item) => redactPersonal(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = personalKeys.has(key.toLowerCase()) ? REDACTED : redactPersonal(inner, depth + 1);
  }
  return out;
}

let salt = process.env['RELAIS_LOG_SALT'] ?? 'relais';

export function setLogSalt(value: string): void {
  salt = value;
}

/** A short salted hash that lets logs correlate one citizen or identifier without revealing it. */
export function hashId(value: string): string {
  return createHmac('sha256', salt).update(value).digest('base64url').slice(0, 12);
}

export interface LoggerOptions {
  level?: string;
  /** The component name, e.g. `gateway`, `router`, `social-services`. */
  component: string;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      base: { component: options.component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactPersonal(object) as Record<string, unknown>,
      },
    },
    options.destination,
  );
}

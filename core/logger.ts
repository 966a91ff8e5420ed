/**
 * Structured JSON logs (pino). Personal data never reaches a log in clear:
 * - an event's data (an object with an event `type` and its `data`) is shown by the schemas'
 *   personal-data labels: fields labelled `none` in clear, every other field replaced;
 * - elsewhere, values under keys that hold personal data are replaced wherever they sit in the
 *   object: every field name the catalogue labels as personal (so a new labelled field is
 *   covered without editing this file), plus the keys below that are not in the catalogue;
 * - identifiers that a log needs for correlation go through `hashId`, a salted one-way hash.
 */
import { createHmac } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { isEventType } from '../schemas/index.ts';
import { personalFieldNames, REDACTED, redactEventData } from '../schemas/redaction.ts';

export type { Logger } from 'pino';
export { REDACTED };

/** Keys outside the event catalogue: silos' vocabularies, identifiers, credentials, raw bodies. */
const otherPersonalKeys = new Set(
  [
    'name',
    'names',
    'firstName',
    'lastName',
    'nom',
    'prenoms',
    'adresse',
    'street',
    'postalCode',
    'codePostal',
    'libelleVoie',
    'telephone',
    'birthDate',
    'citizenId',
    'localId',
    'identifier',
    'identifiers',
    'nir',
    'numeroDossier',
    'data',
    'body',
    'authorization',
    'token',
    'apiKey',
    'password',
    'cookie',
  ].map((key) => key.toLowerCase()),
);

function isPersonalKey(key: string): boolean {
  const lower = key.toLowerCase();
  return otherPersonalKeys.has(lower) || personalFieldNames().has(lower);
}

/** Deep copy of `value` with personal data replaced (see the module comment). */
export function redactPersonal(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item) => redactPersonal(item, depth + 1));
  const record = value as Record<string, unknown>;
  const type = record['type'];
  const event = typeof type === 'string' && 'data' in record && isEventType(type);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record)) {
    if (event && key === 'data') out[key] = redactEventData(type, inner);
    else out[key] = isPersonalKey(key) ? REDACTED : redactPersonal(inner, depth + 1);
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

export type LogDestination = pino.DestinationStream;

export interface LoggerOptions {
  level?: string;
  /** The component name, e.g. `gateway`, `router`, `social-services`. */
  component: string;
  destination?: LogDestination;
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

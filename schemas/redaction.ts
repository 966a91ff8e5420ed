/**
 * What a log may show of an event: the schemas' personal-data labels decide, not a list of
 * key names kept by hand. A field labelled `none` is shown; any other label, and any field the
 * schema does not know, is replaced. A field added to a schema later is therefore hidden until
 * someone labels it `none` on purpose (docs/events.md, "Personal data").
 */
import { catalogueRevision, eventTypes, fieldLabels, isEventType } from './index.ts';

export const REDACTED = '[redacted]';

/** A copy of an event's data with every field not labelled `none` replaced. */
export function redactEventData(type: string, data: unknown): unknown {
  if (!isEventType(type)) return REDACTED;
  const labels = fieldLabels(type);
  const walk = (value: unknown, prefix: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, prefix));
    if (value === null || typeof value !== 'object') return prefix === '' ? REDACTED : value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out[key] = labels.get(path) === 'none' ? walk(inner, path) : REDACTED;
    }
    return out;
  };
  return walk(data, '');
}

let personalNames: { revision: number; names: Set<string> } | undefined;

/**
 * The names of every field some event type labels as personal data (lower case). The logger
 * hides values under these keys wherever they appear, even outside an event.
 */
export function personalFieldNames(): Set<string> {
  const revision = catalogueRevision();
  if (personalNames?.revision === revision) return personalNames.names;
  const names = new Set<string>();
  for (const type of eventTypes()) {
    for (const [path, label] of fieldLabels(type)) {
      if (label !== 'none') names.add(path.slice(path.lastIndexOf('.') + 1).toLowerCase());
    }
  }
  personalNames = { revision, names };
  return names;
}

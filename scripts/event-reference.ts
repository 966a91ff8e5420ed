/**
 * docs/event-catalogue.md: every event type of the catalogue with each field's type,
 * whether it is required, its personal-data label and its description, generated from
 * schemas/ by `npm run gen` (and checked by gen:check) so the reference never drifts.
 */
import { eachField, eventSchema, eventTypes, type FieldInfo } from '../schemas/index.ts';
import { constantNameOf } from './event-types.ts';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function typeOf(schema: FieldInfo['schema']): string {
  const items = schema['items'] as Record<string, unknown> | undefined;
  if (schema['type'] === 'array' && items) return `list of ${typeOf(items)}`;
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => `\`${JSON.stringify(v)}\``).join(', ');
  const text = (keyword: string): string | undefined => (typeof schema[keyword] === 'string' ? schema[keyword] : undefined);
  const type = Array.isArray(schema['type']) ? (schema['type'] as string[]).join(' or ') : (text('type') ?? 'any');
  const format = text('format');
  const pattern = text('pattern');
  const details = [format && `format ${format}`, pattern && `\`${pattern}\``].filter(Boolean);
  return details.length > 0 ? `${type} (${details.join(', ')})` : type;
}

export function eventReference(): string {
  const lines = [
    '# Event catalogue reference',
    '',
    'Generated from `schemas/` by `npm run gen`; do not edit. The rules (personal-data labels,',
    'evolution, publishing) are in [events.md](events.md); topics and headers in',
    '[contracts.md](contracts.md) and [asyncapi.yaml](asyncapi.yaml).',
    '',
    'Paths are the ones flows name (`address.postcode`; `members.role` for a field of each',
    "item of a list). Label: the field's `x-relais-pii`.",
  ];
  for (const type of eventTypes().sort()) {
    const schema = eventSchema(type)!;
    lines.push(
      '',
      `## ${type}`,
      '',
      `**${String(schema['title'])}** — ${String(schema['description'])}`,
      '',
      `Schema: \`${schema.$id}\`; in code: \`${constantNameOf(type)}\``,
      '',
    );
    lines.push('| field | type | required | label | description |', '|---|---|---|---|---|');
    eachField(type, (field) => {
      const description = typeof field.schema['description'] === 'string' ? field.schema['description'] : '';
      lines.push(
        `| \`${field.path}\` | ${cell(typeOf(field.schema))} | ${field.required ? 'yes' : ''} | ${field.label} | ${cell(description)} |`,
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

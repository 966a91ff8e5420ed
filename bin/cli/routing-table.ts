/**
 * The routing table of loaded flows: for each event type, which systems receive it, on which
 * legal basis, and exactly which fields (the data-minimisation allow-list). What an auditor or
 * a data-protection officer reads; `relais flows routes` prints it.
 */
import type { Audience, Flows, LegalBasisKind } from '../../core/flows/flows.ts';

export interface RoutingRow {
  event: string;
  system: string;
  basis: LegalBasisKind;
  reference: string;
  route: string;
  /** The route has a filter: not every event of the type reaches the system. */
  filtered: boolean;
  /** Whom it hears about: the citizens it holds a file on, or every resident (docs/flows.md). */
  audience: Audience;
  fields: string[];
  file: string;
}

/** One row per (event type, receiving system), sorted by event type, then system. */
export function routingTable(flows: Flows): RoutingRow[] {
  return flows.routes
    .flatMap((route) =>
      route.to.map((target) => ({
        event: route.event,
        system: target.system,
        basis: route.basis.kind,
        reference: route.basis.reference,
        route: route.id,
        filtered: route.filter !== undefined,
        audience: target.audience ?? 'holders',
        fields: [...target.fields],
        file: route.file,
      })),
    )
    .sort((a, b) => a.event.localeCompare(b.event) || a.system.localeCompare(b.system));
}

/** The table as text: one block per event type, one line per system, fields after the basis. */
export function formatRoutingTable(rows: RoutingRow[]): string {
  const lines: string[] = [];
  const width = Math.max(0, ...rows.map((r) => r.system.length));
  let event: string | undefined;
  for (const row of rows) {
    if (row.event !== event) {
      if (event !== undefined) lines.push('');
      lines.push(row.event);
      event = row.event;
    }
    const filter = `${row.filtered ? ' (filtered)' : ''}${row.audience === 'residents' ? ' (every resident)' : ''}`;
    lines.push(`  → ${row.system.padEnd(width)}  ${row.basis}${filter}: ${row.fields.join(', ')}`);
  }
  return lines.join('\n');
}

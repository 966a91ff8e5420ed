/**
 * The routing engine, pure: given an event and the flows, which systems receive it and with
 * which fields. The router and the gateway (to show `pending` recipients at once) share it.
 *
 * Rules, in order: the route's event type matches; its filter holds; the system is not the
 * one the event came from (no echo); under a citizen-request basis, the citizen chose the
 * system; then the data is projected onto the route's allow-list of fields.
 */
import type { Filter, Flows, LegalBasisKind } from './flows.ts';

export interface RoutableEvent {
  type: string;
  data: unknown;
  channel?: string | undefined;
  /** The system the event came from; it never receives it back. */
  origin?: string | undefined;
  /** The systems the citizen asked to inform (citizen-request basis). */
  recipients?: string[] | undefined;
}

export interface PlannedDelivery {
  system: string;
  routeId: string;
  basis: LegalBasisKind;
  /** The event data reduced to the fields this system may receive. */
  data: Record<string, unknown>;
}

type Json = unknown;

function valueAt(root: Json, path: string[]): Json {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, Json>)[segment];
  }
  return current;
}

function resolveField(event: RoutableEvent, field: string): Json {
  if (field === 'channel') return event.channel;
  if (field === 'origin') return event.origin;
  return valueAt(event.data, field.split('.').slice(1));
}

export function matchesFilter(filter: Filter, event: RoutableEvent): boolean {
  if ('all' in filter) return filter.all.every((f) => matchesFilter(f, event));
  if ('any' in filter) return filter.any.some((f) => matchesFilter(f, event));
  if ('not' in filter) return !matchesFilter(filter.not, event);
  const value = resolveField(event, filter.field);
  if ('exists' in filter) return (value !== undefined && value !== null) === filter.exists;
  if ('equals' in filter) return value === filter.equals;
  if ('in' in filter) return filter.in.some((candidate) => candidate === value);
  return typeof value === 'string' && value.startsWith(filter.startsWith);
}

function copyPath(source: Json, target: Record<string, Json>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || source === null || typeof source !== 'object' || Array.isArray(source)) return;
  const value = (source as Record<string, Json>)[head];
  if (value === undefined) return;
  if (rest.length === 0) {
    target[head] = structuredClone(value);
    return;
  }
  if (Array.isArray(value)) {
    // A path through a list projects every element the same way.
    const existing = Array.isArray(target[head]) ? (target[head] as Record<string, Json>[]) : value.map(() => ({}));
    value.forEach((item, i) => copyPath(item, existing[i] ?? (existing[i] = {}), rest));
    target[head] = existing;
    return;
  }
  const child = (target[head] ??= {}) as Record<string, Json>;
  copyPath(value, child, rest);
  if (Object.keys(child).length === 0) delete target[head];
}

/** Only the listed fields of `data` (dot paths; a path to an object keeps the whole object). */
export function project(data: Json, fields: string[]): Record<string, unknown> {
  const out: Record<string, Json> = {};
  for (const field of fields) copyPath(data, out, field.split('.'));
  return out;
}

export function planDeliveries(flows: Flows, event: RoutableEvent): PlannedDelivery[] {
  const deliveries: PlannedDelivery[] = [];
  for (const route of flows.routes) {
    if (route.event !== event.type) continue;
    if (route.filter && !matchesFilter(route.filter, event)) continue;
    for (const target of route.to) {
      if (target.system === event.origin) continue;
      if (route.basis.kind === 'citizen-request' && !(event.recipients ?? []).includes(target.system)) continue;
      deliveries.push({ system: target.system, routeId: route.id, basis: route.basis.kind, data: project(event.data, target.fields) });
    }
  }
  return deliveries;
}

/** Every system some route can deliver to: the delivery topics and connectors to run. */
export function subscribedSystems(flows: Flows): string[] {
  return [...new Set(flows.routes.flatMap((route) => route.to.map((t) => t.system)))].sort();
}

/**
 * The routing engine, pure: given an event and the flows, which systems receive it and with
 * which fields. planDeliveries is the one place that decides who a change concerns: the gateway
 * (accepting a change, or releasing one from an identity review) and the source runtime record
 * its `systems` as the change's `pending` recipients, and the router delivers its `deliveries`.
 *
 * Rules, in order: the route's event type matches; its filter holds; the system is not the
 * one the event came from (no echo); under a citizen-request basis, the citizen chose the
 * system; then the data is projected onto the route's allow-list of fields, and what a named
 * object carries is limited by the fields' personal-data labels (minimise).
 */
import type { PiiLevel } from '../../schemas/validation.ts';
import { fieldLabels, isEventType } from '../../schemas/index.ts';
import type { Audience, Filter, Flows, LegalBasisKind, RouteTarget } from './flows.ts';

function labelsOf(type: string): ReadonlyMap<string, PiiLevel> | undefined {
  return isEventType(type) ? fieldLabels(type) : undefined;
}

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
  /** The text the basis rests on (an article of law, a deliberation): receipts carry it as evidence. */
  basisReference: string;
  /** The event data reduced to the fields this system may receive. */
  data: Record<string, unknown>;
  /** Whom among the citizens it hears about: only those it holds a file on (`holders`), or every resident. */
  audience: Audience;
  /** Set when the route writes to the citizen's declared family contact once they are deceased. */
  onDeath?: RouteTarget['onDeath'];
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

interface Projection {
  /** Every field's personal-data label, by dot path (schemas/index.ts fieldLabels). */
  labels?: ReadonlyMap<string, PiiLevel> | undefined;
  /** The paths the route names. */
  named: ReadonlySet<string>;
}

/**
 * What a named field carries of the object under it: its sub-fields labelled `none` or with
 * the named field's own label; a sub-field with another label (a `sensitive` flag inside an
 * `identity` record) only when the route names it too. So a route naming `members` does not
 * deliver `members.dependent`, and a field added to the schema later with a new kind of
 * personal data is never delivered until a flow names it.
 */
function minimise(value: Json, path: string, label: PiiLevel, projection: Projection): Json {
  if (Array.isArray(value)) return value.map((item: Json) => minimise(item, path, label, projection));
  if (value === null || typeof value !== 'object') return value; // immutable: no copy to make
  if (!projection.labels) return structuredClone(value);
  const out: Record<string, Json> = {};
  for (const [key, inner] of Object.entries(value as Record<string, Json>)) {
    const childPath = `${path}.${key}`;
    const childLabel = projection.labels.get(childPath);
    if (childLabel === undefined) continue;
    if (childLabel !== 'none' && childLabel !== label && !projection.named.has(childPath)) continue;
    out[key] = minimise(inner, childPath, childLabel === 'none' ? label : childLabel, projection);
  }
  return out;
}

/** Merges two projections of the same data (a route may name `a` and `a.b`, in any order). */
function merge(existing: Json, incoming: Json): Json {
  if (Array.isArray(existing) && Array.isArray(incoming)) return incoming.map((item: Json, i) => merge(existing[i], item));
  if (
    existing &&
    incoming &&
    typeof existing === 'object' &&
    typeof incoming === 'object' &&
    !Array.isArray(existing) &&
    !Array.isArray(incoming)
  ) {
    const out = { ...(existing as Record<string, Json>) };
    for (const [key, value] of Object.entries(incoming as Record<string, Json>)) out[key] = merge(out[key], value);
    return out;
  }
  return incoming;
}

function copyPath(source: Json, target: Record<string, Json>, path: string[], at: string, projection: Projection): void {
  const [head, ...rest] = path;
  if (head === undefined || source === null || typeof source !== 'object' || Array.isArray(source)) return;
  const value = (source as Record<string, Json>)[head];
  if (value === undefined) return;
  const here = at ? `${at}.${head}` : head;
  if (rest.length === 0) {
    target[head] = merge(target[head], minimise(value, here, projection.labels?.get(here) ?? 'none', projection));
    return;
  }
  if (Array.isArray(value)) {
    // A path through a list projects every element the same way.
    const existing = Array.isArray(target[head]) ? (target[head] as Record<string, Json>[]) : value.map(() => ({}));
    value.forEach((item, i) => copyPath(item, existing[i] ?? (existing[i] = {}), rest, here, projection));
    target[head] = existing;
    return;
  }
  const child = (target[head] ??= {}) as Record<string, Json>;
  copyPath(value, child, rest, here, projection);
  if (Object.keys(child).length === 0) delete target[head];
}

/**
 * Only the listed fields of `data` (dot paths). A path to an object keeps the object; with
 * `labels` (the router always passes them), only the parts of it the labels allow (minimise).
 */
export function project(data: Json, fields: string[], labels?: ReadonlyMap<string, PiiLevel>): Record<string, unknown> {
  const out: Record<string, Json> = {};
  const projection: Projection = { labels, named: new Set(fields) };
  for (const field of fields) copyPath(data, out, field.split('.'), '', projection);
  return out;
}

/** The routing decision for one change. */
export interface DeliveryPlan {
  /** The systems concerned, in route order, each once: what the store records as `pending`. */
  systems: string[];
  /** What each of them receives: what the router publishes. */
  deliveries: PlannedDelivery[];
}

/**
 * Who a change concerns and what each receives. Asked once per change by whoever records it,
 * and again by the router, which delivers against the flows current when it reads the event
 * (a reload in between is the router's to apply: see docs/adr/0016).
 */
export function planDeliveries(flows: Flows, event: RoutableEvent): DeliveryPlan {
  const deliveries: PlannedDelivery[] = [];
  for (const route of flows.routes) {
    if (route.event !== event.type) continue;
    if (route.filter && !matchesFilter(route.filter, event)) continue;
    for (const target of route.to) {
      if (target.system === event.origin) continue;
      if (route.basis.kind === 'citizen-request' && !(event.recipients ?? []).includes(target.system)) continue;
      deliveries.push({
        system: target.system,
        routeId: route.id,
        basis: route.basis.kind,
        basisReference: route.basis.reference,
        data: project(event.data, target.fields, labelsOf(event.type)),
        audience: target.audience ?? 'holders',
        ...(target.onDeath ? { onDeath: target.onDeath } : {}),
      });
    }
  }
  return { systems: [...new Set(deliveries.map((d) => d.system))], deliveries };
}

/** Why a system the flows route a change to is not a recipient of it (docs/adr/0026, docs/flows.md). */
export type NotConcernedReason = 'no-file' | 'no-family-contact';

export interface NotConcerned {
  system: string;
  /**
   * `no-file`: its route's audience is `holders` and the crosswalk knows no file of the citizen there;
   * `no-family-contact`: the citizen is deceased, its route writes to their family contact instead, and none is declared.
   */
  reason: NotConcernedReason;
}

/**
 * The reference directory applied to a plan: a recipient whose audience is `holders` and that
 * holds no file on the citizen (per the crosswalk: `holds`) is not concerned — no delivery, no
 * status, never a failure; nor, the citizen deceased (`bereaved` set), is a route that writes to
 * their family contact when none is declared. The gateway and the source runtime record the
 * result, the router delivers to the same systems (it asks the same crosswalk and contacts).
 */
export function concernedOnly(
  plan: DeliveryPlan,
  holds: (system: string) => boolean,
  bereaved?: { familyContact: boolean },
): DeliveryPlan & { notConcerned: NotConcerned[] } {
  const reasons = new Map<string, NotConcernedReason>();
  for (const d of plan.deliveries) {
    // A deceased citizen's family contact is a recipient of its own: the deceased's file does not matter.
    if (d.onDeath && bereaved) {
      if (!bereaved.familyContact) reasons.set(d.system, 'no-family-contact');
    } else if (d.audience !== 'residents' && !holds(d.system)) reasons.set(d.system, 'no-file');
  }
  const deliveries = plan.deliveries.filter((d) => !reasons.has(d.system));
  const systems = [...new Set(deliveries.map((d) => d.system))];
  const notConcerned = plan.systems
    .filter((s) => !systems.includes(s))
    .sort()
    .map((system) => ({ system, reason: reasons.get(system) ?? ('no-file' as const) }));
  return { systems, deliveries, notConcerned };
}

/** Every system some route can deliver to: the delivery topics and connectors to run. */
export function subscribedSystems(flows: Flows): string[] {
  return [...new Set(flows.routes.flatMap((route) => route.to.map((t) => t.system)))].sort();
}

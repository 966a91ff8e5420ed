/**
 * Canonical events ↔ the vendor database's vocabulary ("Ordures+"). Pure: no I/O. Only the
 * fields present in a delivery are mapped: what the flow did not allow never reaches the silo.
 */
import {
  asCheckpoint,
  type Checkpoint,
  MappingError,
  SERVICE_REQUEST_RESOLVED_V1,
  SERVICE_REQUEST_UPDATED_V1,
  type SiloCivilData,
  type SiloFile,
  type SourceEvent,
} from '@relais/connector-kit';

/** The canonical address as a delivery may carry it (every field optional after projection). */
export interface CanonicalAddress {
  number?: string;
  suffix?: string;
  streetName?: string;
  complement?: string;
  postcode?: string;
  communeName?: string;
  communeInsee?: string;
}

export interface VendorAddress {
  numero: string;
  indice: string;
  libelle_voie: string;
  complement: string | null;
  code_postal: string;
  commune: string;
  code_insee: string | null;
}

export function toVendorAddress(address: CanonicalAddress | undefined): VendorAddress {
  if (!address?.streetName || !address.postcode || !address.communeName) {
    throw new MappingError('the delivery lacks address.streetName, postcode or communeName: the flow must allow them for this silo');
  }
  return {
    numero: address.number ?? '',
    indice: address.suffix ?? '',
    libelle_voie: address.streetName,
    complement: address.complement ?? null,
    code_postal: address.postcode,
    commune: address.communeName,
    code_insee: address.communeInsee ?? null,
  };
}

function requireDate(data: Record<string, unknown>, field: string): string {
  const value = data[field];
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new MappingError(`the delivery lacks ${field}`);
  return value;
}

/** A move from `effectiveDate`: the old subscriptions end the day before. */
export function toMove(data: Record<string, unknown>): { adresse: VendorAddress; dateEffet: string; dateFin: string } {
  const dateEffet = requireDate(data, 'effectiveDate');
  const dayBefore = new Date(`${dateEffet}T00:00:00Z`);
  dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
  return {
    adresse: toVendorAddress(data['address'] as CanonicalAddress | undefined),
    dateEffet,
    dateFin: dayBefore.toISOString().slice(0, 10),
  };
}

export function toDateDeces(data: Record<string, unknown>): string {
  return requireDate(data, 'dateOfDeath');
}

// The vendor's incident categories; any other waste.* category is AUTRE.
const categories: Record<string, string> = {
  'waste.missed-collection': 'COLLECTE_NON_EFFECTUEE',
  'waste.damaged-bin': 'BAC_ENDOMMAGE',
  'waste.bulky-items': 'ENCOMBRANT',
  'waste.illegal-dumping': 'DEPOT_SAUVAGE',
};
const categoriesBack = Object.fromEntries(Object.entries(categories).map(([k, v]) => [v, k]));

/**
 * How the vendor records the channel an incident was reported through (its `canal`: GUICHET,
 * TELEPHONE, WEB, COURRIER, PORTAIL), from the channel the citizen told Relais through. Requests
 * made online reach the vendor through the portal; an unknown or absent channel reads as PORTAIL.
 */
export const vendorChannels: Readonly<Record<string, string>> = {
  web: 'PORTAIL',
  mobile: 'PORTAIL',
  desk: 'GUICHET',
  phone: 'TELEPHONE',
  mail: 'COURRIER',
  email: 'COURRIER',
};

export function toVendorChannel(channel: string | undefined): string {
  return (channel !== undefined && vendorChannels[channel]) || 'PORTAIL';
}

export interface VendorIncident {
  reference_externe: string;
  categorie: string;
  lieu: string | null;
  description: string | null;
  canal: string;
  /** UTC, 'YYYY-MM-DD HH:MM:SS.mmm' (the column holds UTC without a zone). */
  date_signalement: string;
}

export function sqlUtc(instant: string | Date): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) throw new MappingError('not a date-time');
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function describeLocation(location: { address?: CanonicalAddress; communeInsee?: string } | undefined): string | null {
  const a = location?.address;
  if (a?.streetName) {
    const street = [a.number, a.suffix, a.streetName].filter(Boolean).join(' ');
    return [street, a.complement, [a.postcode, a.communeName].filter(Boolean).join(' ')].filter(Boolean).join(', ').slice(0, 250);
  }
  return location?.communeInsee ? `commune INSEE ${location.communeInsee}` : null;
}

/** A service request as the vendor's incident; its address (if any) is matched separately. */
export function toIncident(
  data: Record<string, unknown>,
  receivedAt: string,
  channel?: string,
): { incident: VendorIncident; address: VendorAddress | undefined } {
  const requestId = data['requestId'];
  const category = data['category'];
  if (typeof requestId !== 'string' || typeof category !== 'string') throw new MappingError('the delivery lacks requestId or category');
  const location = data['location'] as { address?: CanonicalAddress; communeInsee?: string } | undefined;
  const submittedAt = typeof data['submittedAt'] === 'string' ? data['submittedAt'] : receivedAt;
  const description = typeof data['description'] === 'string' ? data['description'].slice(0, 1000) : null;
  return {
    incident: {
      reference_externe: requestId,
      categorie: categories[category] ?? 'AUTRE',
      lieu: describeLocation(location),
      description,
      canal: toVendorChannel(channel),
      date_signalement: sqlUtc(submittedAt),
    },
    address:
      location?.address?.streetName && location.address.postcode && location.address.communeName
        ? toVendorAddress(location.address)
        : undefined,
  };
}

/** An incident row as the source reads it. */
export interface IncidentRecord {
  id_incident: number;
  reference_externe: string;
  numero_usager: string | null;
  categorie: string;
  statut: string;
  commentaire_resolution: string | null;
  date_resolution: Date | null;
  date_maj: Date;
  /** date_maj as the server prints it, all digits: the checkpoint compares with this. */
  date_maj_texte: string;
}

export type MappedIncident = { event: SourceEvent } | { skipped: string };

/** An incident's current state as a service-request event, or why it is not one. */
export function toServiceRequestEvent(record: IncidentRecord, system: string): MappedIncident {
  if (!record.numero_usager) return { skipped: 'incident without a known usager' };
  const common = {
    requestId: record.reference_externe,
    category: categoriesBack[record.categorie] ?? 'waste.other',
    competentService: system,
    ...(record.commentaire_resolution ? { comment: record.commentaire_resolution.slice(0, 2000) } : {}),
  };
  const at = record.date_maj.toISOString();
  const base = {
    recordKey: `incident:${record.id_incident}:${record.statut}:${record.date_maj_texte}`,
    citizenLocalId: record.numero_usager,
    time: at,
  };
  switch (record.statut) {
    case 'OUVERT':
      return { event: { ...base, type: SERVICE_REQUEST_UPDATED_V1, data: { ...common, status: 'acknowledged', updatedAt: at } } };
    case 'EN_COURS':
      return { event: { ...base, type: SERVICE_REQUEST_UPDATED_V1, data: { ...common, status: 'in-progress', updatedAt: at } } };
    case 'RESOLU':
      return {
        event: {
          ...base,
          type: SERVICE_REQUEST_RESOLVED_V1,
          data: { ...common, status: 'resolved', resolvedAt: (record.date_resolution ?? record.date_maj).toISOString() },
        },
      };
    default:
      return { skipped: `status ${record.statut} is not shown to the citizen` };
  }
}

/** An incident row as kept in a source dead letter (JSON: the dates as RFC 3339 text). */
export function incidentToRaw(record: IncidentRecord): Record<string, unknown> {
  return {
    ...record,
    date_resolution: record.date_resolution ? record.date_resolution.toISOString() : null,
    date_maj: record.date_maj.toISOString(),
  };
}

/** A dead letter's raw incident back as a row, to map it again (MappingError when it is not one). */
export function incidentFromRaw(raw: unknown): IncidentRecord {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (field: string): string => {
    const value = r[field];
    if (typeof value !== 'string') throw new MappingError(`raw incident: ${field} is not text`);
    return value;
  };
  const optional = (field: string): string | null => (r[field] === null || r[field] === undefined ? null : text(field));
  const date = (value: string, field: string): Date => {
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw new MappingError(`raw incident: ${field} is not a time`);
    return parsed;
  };
  if (!Number.isSafeInteger(r['id_incident'])) throw new MappingError('raw incident: id_incident is not an integer');
  const resolution = optional('date_resolution');
  return {
    id_incident: r['id_incident'] as number,
    reference_externe: text('reference_externe'),
    numero_usager: optional('numero_usager'),
    categorie: text('categorie'),
    statut: text('statut'),
    commentaire_resolution: optional('commentaire_resolution'),
    date_resolution: resolution === null ? null : date(resolution, 'date_resolution'),
    date_maj: date(text('date_maj'), 'date_maj'),
    date_maj_texte: text('date_maj_texte'),
  };
}

export interface IncidentCursor {
  dateMaj: string;
  id: number;
}

export function encodeCursor(cursor: IncidentCursor): Checkpoint {
  return asCheckpoint(JSON.stringify({ dateMaj: cursor.dateMaj, id: cursor.id }));
}

export function decodeCursor(checkpoint: Checkpoint | null): IncidentCursor | null {
  if (checkpoint === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(checkpoint);
  } catch {
    throw new MappingError('the saved checkpoint is not JSON');
  }
  const { dateMaj, id } = (parsed ?? {}) as Partial<IncidentCursor>;
  if (typeof dateMaj !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(dateMaj) || !Number.isSafeInteger(id)) {
    throw new MappingError('the saved checkpoint is not { dateMaj, id }');
  }
  return { dateMaj, id: id! };
}

/** A person's row as the file lister reads it (client.ts: personsAfter). */
export interface PersonRecord {
  numero_usager: string;
  nom: string;
  prenom: string;
  date_naissance: string | null;
  commune_naissance: string | null;
  code_insee_naissance: string | null;
  pays_naissance: string | null;
}

/**
 * A person's row as a silo file for onboarding: the vendor keeps one name (`nom`, read as the
 * birth name: it has no other; a married name then falls below the link score and is held, not
 * linked wrongly) and the given names in one column, separated by spaces or commas. Columns left empty are left out, and the import
 * reports the record, naming the field.
 */
export function toSiloFile(row: PersonRecord): SiloFile {
  const civil: SiloCivilData = {
    birthName: row.nom,
    givenNames: row.prenom.split(/[\s,]+/).filter(Boolean),
    ...(row.date_naissance ? { dateOfBirth: row.date_naissance } : {}),
    ...(row.commune_naissance ? { birthPlace: row.commune_naissance } : {}),
    ...(row.code_insee_naissance ? { birthPlaceInsee: row.code_insee_naissance } : {}),
    ...(row.pays_naissance ? { birthCountry: row.pays_naissance.trim() } : {}),
  };
  return { localId: row.numero_usager, civil, cursor: asCheckpoint(row.numero_usager) };
}

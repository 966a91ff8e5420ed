/**
 * The agent desk: what the vendor's screens do to the database when an agent handles an
 * incident (takes it, resolves it) or records one reported directly to the waste service.
 * Every write sets date_maj, as the vendor's software does.
 */
import { utcNowSql, type SqlClient, type SqlQueryable } from '../../protocols/sql/sql-client.ts';

export interface IncidentRow {
  id_incident: number;
  reference_externe: string | null;
  id_foyer: number | null;
  id_usager: number | null;
  categorie: string;
  lieu: string | null;
  description: string | null;
  canal: string;
  statut: string;
  commentaire_resolution: string | null;
  date_signalement: Date;
  date_resolution: Date | null;
  date_maj: Date;
}

const incidentColumns =
  'id_incident, reference_externe, id_foyer, id_usager, categorie, lieu, description, canal, statut, commentaire_resolution, date_signalement, date_resolution, date_maj';

export async function listIncidents(db: SqlQueryable, filter: { reference?: string } = {}): Promise<IncidentRow[]> {
  const result = filter.reference
    ? await db.query<IncidentRow>(`SELECT ${incidentColumns} FROM incident WHERE reference_externe = ? ORDER BY id_incident`, [
        filter.reference,
      ])
    : await db.query<IncidentRow>(`SELECT ${incidentColumns} FROM incident ORDER BY id_incident DESC LIMIT 200`);
  return result.rows;
}

export async function getIncident(db: SqlQueryable, id: number): Promise<IncidentRow | undefined> {
  return (await db.query<IncidentRow>(`SELECT ${incidentColumns} FROM incident WHERE id_incident = ?`, [id])).rows[0];
}

export type DeskOutcome = { ok: true; incident: IncidentRow } | { ok: false; code: 'INCIDENT_INCONNU' | 'INCIDENT_CLOS'; message: string };

async function transition(db: SqlClient, id: number, set: string, params: (string | null)[], allowedFrom: string[]): Promise<DeskOutcome> {
  return db.transaction(async (tx) => {
    const current = (await tx.query<{ statut: string }>('SELECT statut FROM incident WHERE id_incident = ? FOR UPDATE', [id])).rows[0];
    if (!current) return { ok: false, code: 'INCIDENT_INCONNU', message: `aucun incident n° ${id}` };
    if (allowedFrom.includes(current.statut)) {
      await tx.query(`UPDATE incident SET ${set}, date_maj = ${utcNowSql(tx.dialect)} WHERE id_incident = ?`, [...params, id]);
    } else if (current.statut === 'CLOS') {
      return { ok: false, code: 'INCIDENT_CLOS', message: `l'incident n° ${id} est clos` };
    }
    return { ok: true, incident: (await getIncident(tx, id))! };
  });
}

/** An agent takes the incident in hand (OUVERT → EN_COURS); taking it again changes nothing. */
export function takeIncident(db: SqlClient, id: number): Promise<DeskOutcome> {
  return transition(db, id, "statut = 'EN_COURS'", [], ['OUVERT']);
}

/** The agent marks the incident resolved, with a comment for the citizen; resolving twice changes nothing. */
export function resolveIncident(db: SqlClient, id: number, commentaire: string | null): Promise<DeskOutcome> {
  return transition(
    db,
    id,
    `statut = 'RESOLU', commentaire_resolution = ?, date_resolution = ${utcNowSql(db.dialect)}`,
    [commentaire],
    ['OUVERT', 'EN_COURS'],
  );
}

/** An incident reported straight to the waste service (a phone call to its own line): no portal reference. */
export async function recordIncident(
  db: SqlClient,
  input: { categorie: string; lieu?: string; description?: string; canal: string },
): Promise<IncidentRow> {
  const now = utcNowSql(db.dialect);
  const id = await db.insert(
    `INSERT INTO incident (categorie, lieu, description, canal, statut, date_signalement, date_maj) VALUES (?, ?, ?, ?, 'OUVERT', ${now}, ${now})`,
    [input.categorie, input.lieu ?? null, input.description ?? null, input.canal],
    'id_incident',
  );
  return (await getIncident(db, id))!;
}

export interface HouseholdView {
  numero_foyer: string;
  statut: string;
  nb_personnes: number;
  adresse: { numero: string; indice: string; libelle_voie: string; code_postal: string; commune: string; code_insee: string | null };
  usagers: { numero_usager: string; qualite: string; statut: string; date_deces: string | null }[];
  abonnements: {
    flux: string;
    volume_litres: number;
    code_postal: string;
    libelle_voie: string;
    numero: string;
    date_debut: string;
    date_fin: string | null;
    motif_fin: string | null;
    statut: string;
    id_bac: number | null;
  }[];
}

/** The household of a person, as the vendor's "fiche foyer" screen shows it. */
export async function householdOf(db: SqlQueryable, numeroUsager: string): Promise<HouseholdView | undefined> {
  const foyer = (
    await db.query<{ id_foyer: number; numero_foyer: string; statut: string; nb_personnes: number } & HouseholdView['adresse']>(
      `SELECT f.id_foyer, f.numero_foyer, f.statut, f.nb_personnes, a.numero, a.indice, a.libelle_voie, a.code_postal, a.commune, a.code_insee
       FROM usager u JOIN foyer f ON f.id_foyer = u.id_foyer JOIN adresse a ON a.id_adresse = f.id_adresse WHERE u.numero_usager = ?`,
      [numeroUsager],
    )
  ).rows[0];
  if (!foyer) return undefined;
  const usagers = await db.query<HouseholdView['usagers'][number]>(
    'SELECT numero_usager, qualite, statut, date_deces FROM usager WHERE id_foyer = ? ORDER BY numero_usager',
    [foyer.id_foyer],
  );
  const abonnements = await db.query<HouseholdView['abonnements'][number]>(
    `SELECT s.flux, s.volume_litres, a.code_postal, a.libelle_voie, a.numero, s.date_debut, s.date_fin, s.motif_fin, s.statut, s.id_bac
     FROM abonnement s JOIN adresse a ON a.id_adresse = s.id_adresse WHERE s.id_foyer = ? ORDER BY s.id_abonnement`,
    [foyer.id_foyer],
  );
  const { numero, indice, libelle_voie, code_postal, commune, code_insee } = foyer;
  return {
    numero_foyer: foyer.numero_foyer,
    statut: foyer.statut,
    nb_personnes: foyer.nb_personnes,
    adresse: { numero, indice, libelle_voie, code_postal, commune, code_insee },
    usagers: usagers.rows,
    abonnements: abonnements.rows,
  };
}

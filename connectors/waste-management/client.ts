/**
 * The thin wrapper over the vendor's database ("Ordures+"): every SQL statement the connector
 * runs is here, in the vendor's own vocabulary, on MariaDB or PostgreSQL alike (core/sql).
 *
 * Exactly-once in effect: applyOnce() runs a delivery's writes and records its event id in the
 * connector's table `relais_evenement` IN THE SAME TRANSACTION. The event id row is inserted
 * first, so a concurrent or later attempt with the same id waits for the first to commit, then
 * finds the row and returns the recorded outcome without touching the vendor's tables — even
 * when Relais' own ledger never heard of the first attempt (lost receipt, crash, timeout).
 */
import { RetryableError } from '@relais/connector-kit';
import { isDuplicateKey, timestampTextSql, utcNowSql, type SqlClient, type SqlQueryable } from '../../protocols/sql/sql-client.ts';
import type { IncidentRecord, PersonRecord, VendorAddress, VendorIncident } from './mapping.ts';

export type ApplyOutcome = { status: 'applied' } | { status: 'rejected'; reason: string };

const ledgerDdl = {
  mariadb: `CREATE TABLE IF NOT EXISTS relais_evenement (
    id_evenement CHAR(36) NOT NULL PRIMARY KEY, type_evenement VARCHAR(120) NOT NULL,
    resultat VARCHAR(10) NOT NULL, motif VARCHAR(500), date_application DATETIME(3) NOT NULL
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  postgres: `CREATE TABLE IF NOT EXISTS relais_evenement (
    id_evenement CHAR(36) NOT NULL PRIMARY KEY, type_evenement VARCHAR(120) NOT NULL,
    resultat VARCHAR(10) NOT NULL, motif VARCHAR(500), date_application TIMESTAMP(3) NOT NULL
  )`,
};

/** The event id is in relais_evenement already: its outcome was committed before. */
class AlreadyApplied extends Error {}

export interface Person {
  id_usager: number;
  id_foyer: number;
  statut: string;
  /** The household's address. */
  id_adresse: number;
}

export class WasteDatabase {
  private ledger: Promise<unknown> | undefined;

  readonly sql: SqlClient;

  constructor(sql: SqlClient) {
    this.sql = sql;
  }

  /**
   * Creates the connector's own table if it is missing (fixtures/ has the DDL for a DBA who
   * prefers to create it), once, on first use: a database down at start is retried like any
   * other outage.
   */
  private ensureLedger(): Promise<unknown> {
    this.ledger ??= this.sql.query(ledgerDdl[this.sql.dialect]).catch((error: unknown) => {
      this.ledger = undefined;
      throw error;
    });
    return this.ledger;
  }

  /** Runs `work` once per event id, in one transaction with the record of its outcome. */
  async applyOnce(
    eventId: string,
    type: string,
    work: (tx: SqlQueryable) => Promise<ApplyOutcome>,
    signal?: AbortSignal,
  ): Promise<ApplyOutcome> {
    await this.ensureLedger();
    try {
      return await this.sql.transaction(async (tx) => {
        try {
          await tx.query(
            `INSERT INTO relais_evenement (id_evenement, type_evenement, resultat, date_application) VALUES (?, ?, 'applique', ${utcNowSql(tx.dialect)})`,
            [eventId, type],
          );
        } catch (error) {
          throw isDuplicateKey(error) ? new AlreadyApplied() : error;
        }
        const outcome = await work(tx);
        if (outcome.status === 'rejected') {
          // Nothing of the vendor's was written (work refuses before writing); the refusal is kept.
          await tx.query("UPDATE relais_evenement SET resultat = 'rejete', motif = ? WHERE id_evenement = ?", [
            outcome.reason.slice(0, 500),
            eventId,
          ]);
        }
        return outcome;
      }, signal);
    } catch (error) {
      if (!(error instanceof AlreadyApplied)) throw error;
      return this.recordedOutcome(eventId);
    }
  }

  private async recordedOutcome(eventId: string): Promise<ApplyOutcome> {
    const row = (
      await this.sql.query<{ resultat: string; motif: string | null }>(
        'SELECT resultat, motif FROM relais_evenement WHERE id_evenement = ?',
        [eventId],
      )
    ).rows[0];
    return row?.resultat === 'rejete' ? { status: 'rejected', reason: row.motif ?? 'refusé' } : { status: 'applied' };
  }

  /**
   * The person with this bill number and their household's address, the person's row locked
   * with their household's: one statement (FOR UPDATE locks the rows of both joined tables, on
   * PostgreSQL and InnoDB alike) instead of three.
   */
  async lockPerson(tx: SqlQueryable, numeroUsager: string): Promise<Person | undefined> {
    return (
      await tx.query<Person>(
        `SELECT u.id_usager, u.id_foyer, u.statut, f.id_adresse FROM usager u JOIN foyer f ON f.id_foyer = u.id_foyer
          WHERE u.numero_usager = ? FOR UPDATE`,
        [numeroUsager],
      )
    ).rows[0];
  }

  /** The address row, created (with the rounds of its street's neighbours, if any) when new. */
  async findOrCreateAddress(tx: SqlQueryable, address: VendorAddress): Promise<number> {
    const key = [address.code_postal, address.libelle_voie, address.numero, address.indice];
    const where = 'code_postal = ? AND libelle_voie = ? AND numero = ? AND indice = ?';
    const found = (await tx.query<{ id_adresse: number }>(`SELECT id_adresse FROM adresse WHERE ${where}`, key)).rows[0];
    if (found) return found.id_adresse;
    const rounds = (
      await tx.query<{ id_tournee_om: number | null; id_tournee_cs: number | null }>(
        'SELECT id_tournee_om, id_tournee_cs FROM adresse WHERE code_postal = ? ORDER BY id_adresse LIMIT 1',
        [address.code_postal],
      )
    ).rows[0];
    try {
      return await this.insertAddress(tx, address, rounds);
    } catch (error) {
      // Another household moved to this new address at the same moment: the retry finds it.
      if (isDuplicateKey(error)) throw new RetryableError('an address was created concurrently', { cause: error });
      throw error;
    }
  }

  private insertAddress(
    tx: SqlQueryable,
    address: VendorAddress,
    rounds: { id_tournee_om: number | null; id_tournee_cs: number | null } | undefined,
  ): Promise<number> {
    return tx.insert(
      `INSERT INTO adresse (numero, indice, libelle_voie, complement, code_postal, commune, code_insee, id_tournee_om, id_tournee_cs, date_creation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${utcNowSql(tx.dialect)})`,
      [
        ...[
          address.numero,
          address.indice,
          address.libelle_voie,
          address.complement,
          address.code_postal,
          address.commune,
          address.code_insee,
        ],
        rounds?.id_tournee_om ?? null,
        rounds?.id_tournee_cs ?? null,
      ],
      'id_adresse',
    );
  }

  /**
   * Moves the household to `idAdresse` from `dateEffet`: its active subscriptions end the day
   * before (DEMENAGEMENT) and start again at the new address, each with a free bin of its
   * stream standing there, or none (a bin is to be delivered).
   */
  async moveHousehold(tx: SqlQueryable, idFoyer: number, idAdresse: number, dateEffet: string, dateFin: string): Promise<void> {
    const now = utcNowSql(tx.dialect);
    const active = (
      await tx.query<{ id_abonnement: number; flux: string; volume_litres: number }>(
        "SELECT id_abonnement, flux, volume_litres FROM abonnement WHERE id_foyer = ? AND statut = 'ACTIF' ORDER BY id_abonnement",
        [idFoyer],
      )
    ).rows;
    await tx.query(
      `UPDATE abonnement SET statut = 'RESILIE', date_fin = ?, motif_fin = 'DEMENAGEMENT', date_maj = ${now} WHERE id_foyer = ? AND statut = 'ACTIF'`,
      [dateFin, idFoyer],
    );
    for (const subscription of active) {
      const bin = (
        await tx.query<{ id_bac: number }>(
          `SELECT b.id_bac FROM bac b WHERE b.id_adresse = ? AND b.flux = ?
           AND NOT EXISTS (SELECT 1 FROM abonnement s WHERE s.id_bac = b.id_bac AND s.statut = 'ACTIF') ORDER BY b.id_bac LIMIT 1`,
          [idAdresse, subscription.flux],
        )
      ).rows[0];
      await tx.query(
        `INSERT INTO abonnement (id_foyer, id_adresse, id_bac, flux, volume_litres, date_debut, statut, date_maj) VALUES (?, ?, ?, ?, ?, ?, 'ACTIF', ${now})`,
        [idFoyer, idAdresse, bin?.id_bac ?? null, subscription.flux, subscription.volume_litres, dateEffet],
      );
    }
    await tx.query(`UPDATE foyer SET id_adresse = ?, date_maj = ${now} WHERE id_foyer = ?`, [idAdresse, idFoyer]);
  }

  /**
   * The person leaves the household on their death; the household's size (and so its fee)
   * shrinks, and the household closes with its subscriptions when nobody is left.
   */
  async recordDeath(tx: SqlQueryable, person: Person, dateDeces: string): Promise<void> {
    const now = utcNowSql(tx.dialect);
    await tx.query(`UPDATE usager SET statut = 'DECEDE', date_deces = ?, date_maj = ${now} WHERE id_usager = ?`, [
      dateDeces,
      person.id_usager,
    ]);
    const left = (
      await tx.query<{ id_usager: number }>("SELECT id_usager FROM usager WHERE id_foyer = ? AND statut = 'ACTIF'", [person.id_foyer])
    ).rows.length;
    if (left > 0) {
      await tx.query(`UPDATE foyer SET nb_personnes = ?, date_maj = ${now} WHERE id_foyer = ?`, [left, person.id_foyer]);
      return;
    }
    await tx.query(
      `UPDATE abonnement SET statut = 'RESILIE', date_fin = ?, motif_fin = 'DECES', date_maj = ${now} WHERE id_foyer = ? AND statut = 'ACTIF'`,
      [dateDeces, person.id_foyer],
    );
    await tx.query(`UPDATE foyer SET statut = 'CLOS', nb_personnes = 0, date_maj = ${now} WHERE id_foyer = ?`, [person.id_foyer]);
  }

  /** Records a reported incident, once per portal reference (a second one is the same incident). */
  async recordIncident(tx: SqlQueryable, incident: VendorIncident, person: Person | undefined, idAdresse: number | null): Promise<void> {
    const existing = await tx.query('SELECT 1 FROM incident WHERE reference_externe = ?', [incident.reference_externe]);
    if (existing.rows.length > 0) return;
    const now = utcNowSql(tx.dialect);
    await tx.query(
      `INSERT INTO incident (reference_externe, id_foyer, id_usager, id_adresse, categorie, lieu, description, canal, statut, date_signalement, date_maj)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'OUVERT', ?, ${now})`,
      [
        incident.reference_externe,
        person?.id_foyer ?? null,
        person?.id_usager ?? null,
        idAdresse,
        incident.categorie,
        incident.lieu,
        incident.description,
        incident.canal,
        incident.date_signalement,
      ],
    );
  }

  /**
   * Incidents reported through the portal, changed after (date_maj, id) and settled for
   * `settleMs` (a writer's transaction still open may yet commit a row with an earlier date_maj:
   * the settle time must exceed the vendor's longest write), in (date_maj, id) order.
   */
  async incidentsAfter(
    after: { dateMaj: string; id: number } | null,
    limit: number,
    settleMs: number,
    signal?: AbortSignal,
  ): Promise<IncidentRecord[]> {
    const { dialect } = this.sql;
    const settled =
      dialect === 'mariadb'
        ? `UTC_TIMESTAMP(3) - INTERVAL ${settleMs * 1000} MICROSECOND`
        : `${utcNowSql(dialect)} - interval '${settleMs} milliseconds'`;
    const cursor = after ? 'AND (i.date_maj > ? OR (i.date_maj = ? AND i.id_incident > ?))' : '';
    // In a transaction only so that the read gives up (its connection dropped) when `signal` aborts.
    const result = await this.sql.transaction(
      async (tx) =>
        tx.query<IncidentRecord>(
          `SELECT i.id_incident, i.reference_externe, u.numero_usager, i.categorie, i.statut, i.commentaire_resolution,
              i.date_resolution, i.date_maj, ${timestampTextSql(dialect, 'i.date_maj')} AS date_maj_texte
       FROM incident i LEFT JOIN usager u ON u.id_usager = i.id_usager
       WHERE i.reference_externe IS NOT NULL AND i.date_maj <= ${settled} ${cursor}
       ORDER BY i.date_maj, i.id_incident LIMIT ${Math.trunc(limit)}`,
          after ? [after.dateMaj, after.dateMaj, after.id] : [],
        ),
      signal,
    );
    return result.rows;
  }

  /**
   * A page of the vendor's persons after `after` (a numero_usager), in numero_usager order: the
   * keyset the file lister pages on (the column is unique, so a page boundary never splits or
   * repeats a row). Birth dates come back as text, so no driver turns them into a local Date.
   */
  async personsAfter(after: string | null, limit: number, signal?: AbortSignal): Promise<PersonRecord[]> {
    const { dialect } = this.sql;
    const birthDate = dialect === 'mariadb' ? "DATE_FORMAT(date_naissance, '%Y-%m-%d')" : "to_char(date_naissance, 'YYYY-MM-DD')";
    // In a transaction only so that the read gives up (its connection dropped) when `signal` aborts.
    const result = await this.sql.transaction(
      async (tx) =>
        tx.query<PersonRecord>(
          `SELECT numero_usager, nom, prenom, ${birthDate} AS date_naissance, commune_naissance, code_insee_naissance, pays_naissance
       FROM usager ${after === null ? '' : 'WHERE numero_usager > ?'}
       ORDER BY numero_usager LIMIT ${Math.trunc(limit)}`,
          after === null ? [] : [after],
        ),
      signal,
    );
    return result.rows;
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}

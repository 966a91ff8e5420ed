/**
 * The waste-management vendor database for tests, on the real servers: MariaDB at
 * TEST_MARIADB_URL (default mariadb://root@127.0.0.1:3306/) or PostgreSQL at TEST_DATABASE_URL.
 * Each call creates a fresh database with the vendor schema and the collection rounds, and
 * drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { openSqlClient, type SqlClient, type SqlDialect } from '../../protocols/sql/sql-client.ts';
import { createVendorDatabase } from '../../silos/waste-management/database.ts';
import { seedRounds } from '../../silos/waste-management/seed.ts';

const postgresServerUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const mariaDbServerUrl = process.env['TEST_MARIADB_URL'] ?? 'mariadb://root@127.0.0.1:3306/';

export interface VendorDatabase {
  dialect: SqlDialect;
  url: string;
  sql: SqlClient;
  drop(): Promise<void>;
}

export async function createWasteVendorDatabase(dialect: SqlDialect): Promise<VendorDatabase> {
  const name = `dechets_test_${randomBytes(5).toString('hex')}`;
  const created = await createVendorDatabase(dialect === 'mariadb' ? mariaDbServerUrl : postgresServerUrl, name);
  const sql = openSqlClient(created.url);
  await seedRounds(sql);
  return {
    dialect,
    url: created.url,
    sql,
    async drop() {
      await sql.close();
      await created.drop();
    },
  };
}

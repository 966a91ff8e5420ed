/**
 * waste-management's file lister passes the file lister conformance suite against the vendor
 * database on MariaDB AND PostgreSQL, with pages smaller than the population so that resuming
 * crosses page boundaries.
 */
import { fileListerConformance } from '@relais/connector-kit/testing';
import { openSqlClient, type SqlDialect } from '../../protocols/sql/sql-client.ts';
import { addHousehold } from '../../silos/waste-management/seed.ts';
import { createWasteVendorDatabase, type VendorDatabase } from '../../test/support/vendor-databases.ts';
import { WasteDatabase } from './client.ts';
import { createWasteManagementFileLister } from './file-lister.ts';

for (const dialect of ['mariadb', 'postgres'] as SqlDialect[]) {
  fileListerConformance<VendorDatabase>({
    system: `waste-management on ${dialect}`,
    async startSilo(files) {
      const vendor = await createWasteVendorDatabase(dialect);
      for (let i = 0; i < files; i++)
        await addHousehold(vendor.sql, {
          numero_foyer: `FOY-${i}`,
          adresse: { numero: String(i + 1), libelle_voie: 'rue Garibaldi', code_postal: '69003', commune: 'Lyon', code_insee: '69383' },
          usagers: [
            { numero_usager: `USG-${String(i).padStart(4, '0')}`, nom: 'Martin', prenom: `Jeanne N${i}`, date_naissance: '1980-02-01' },
          ],
        });
      return vendor;
    },
    stopSilo: (vendor) => vendor.drop(),
    createFileLister: (vendor) =>
      createWasteManagementFileLister(new WasteDatabase(openSqlClient(vendor.url, { max: 1 })), { pageSize: 10 }),
  });
}

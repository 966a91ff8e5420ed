/**
 * The quick start's tax office: the SFTP simulator with its demo taxpayers, and a key pair for
 * the connector generated once under RELAIS_DATA_DIR/silos/tax/. The configuration is pointed at
 * it (host, port, key file, host key fingerprint), so the tax connector finds it.
 */
import { join } from 'node:path';
import type { RelaisConfig } from '../core/config.ts';
import { linkIdentifier, resolveCitizen } from '../core/identity/identity-store.ts';
import type { Queryable } from '../core/store/db.ts';
import { ensureKeyPair } from '../silos/tax/keys.ts';
import { demoTaxpayers, seedTaxStore } from '../silos/tax/seed.ts';
import { startTaxSilo, type TaxSilo } from '../silos/tax/server.ts';
import { TaxStore } from '../silos/tax/store.ts';

export async function startQuickStartTaxSilo(config: RelaisConfig, dataDir: string): Promise<TaxSilo> {
  const siloDir = join(dataDir, 'silos', 'tax');
  seedTaxStore(TaxStore.open(siloDir));
  const key = ensureKeyPair(join(siloDir, 'relais_ed25519'), 'relais-quick-start');
  const silo = await startTaxSilo({
    dataDir: siloDir,
    authorizedKeys: [key.publicKey],
    port: config.taxSftpPort,
    username: config.taxSftpUser,
  });
  config.taxSftpHost = silo.host;
  config.taxSftpPort = silo.port;
  config.taxSftpKeyFile = key.privateKeyFile;
  config.taxSftpHostKey = silo.hostKeyFingerprint;
  return silo;
}

/** The demo citizen of the quick start (social-services file SS-000123) is taxpayer 1000000000123. */
export async function linkDemoTaxpayer(db: Queryable): Promise<void> {
  const pivotId = await resolveCitizen(db, { system: 'social-services', id: 'SS-000123' });
  if (pivotId) await linkIdentifier(db, pivotId, 'tax', demoTaxpayers[0]!.taxId);
}

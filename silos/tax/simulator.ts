/**
 * The tax office simulator in the quick start: the SFTP server with its demo taxpayers, and a
 * key pair for the connector generated once under RELAIS_DATA_DIR/silos/tax/. The connector is
 * told where it is (host, port, key file, host key fingerprint) and, unless told otherwise, to
 * close its batch files after 15 s: a demo should show the tax office's answer within the minute,
 * not after production's hourly batch.
 */
import { join } from 'node:path';
import type { SimulatorDefinition } from '../shared/simulators.ts';
import { ensureKeyPair } from './keys.ts';
import { demoTaxpayers, seedTaxStore } from './seed.ts';
import { startTaxSilo } from './server.ts';
import { taxSiloSettings } from './settings.ts';
import { TaxStore } from './store.ts';

const QUICK_START_BATCH_WINDOW_MS = 15_000;

const taxSimulator: SimulatorDefinition<typeof taxSiloSettings> = {
  name: 'tax',
  settings: taxSiloSettings,
  // The demo citizen of the quick start (social-services file SS-000123) is taxpayer 1000000000123.
  demoIdentities: { 'jeanne-martin': demoTaxpayers[0]!.taxId },
  async start({ dataDir, settings, env }) {
    seedTaxStore(TaxStore.open(dataDir));
    const key = ensureKeyPair(join(dataDir, 'relais_ed25519'), 'relais-quick-start');
    const silo = await startTaxSilo({ dataDir, authorizedKeys: [key.publicKey], port: settings.port, username: settings.user });
    const url = `sftp://${silo.username}@${silo.host}:${silo.port}`;
    return {
      urls: { tax: url },
      connectorEnv: {
        TAX_SFTP_HOST: silo.host,
        TAX_SFTP_PORT: String(silo.port),
        TAX_SFTP_KEY_FILE: key.privateKeyFile,
        TAX_SFTP_HOST_KEY: silo.hostKeyFingerprint,
        ...(env['RELAIS_TAX_BATCH_MAX_AGE_MS'] === undefined ? { RELAIS_TAX_BATCH_MAX_AGE_MS: String(QUICK_START_BATCH_WINDOW_MS) } : {}),
      },
      banner: () => [
        { rank: 130, lines: [`  tax (SFTP)      ${url} (simulator; files under .relais/silos/tax/sftp/)`] },
        {
          rank: 220,
          lines: [
            'The tax office gets it in the next batch file (within 15 s here) and answers with an acknowledgement:',
            '  ls .relais/silos/tax/sftp/inbox/processed .relais/silos/tax/sftp/outbox/archive',
          ],
        },
      ],
      instance: silo,
      stop: () => silo.close(),
    };
  },
};

export default taxSimulator;

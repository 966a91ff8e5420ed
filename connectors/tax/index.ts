/** tax: the tax office, reached through batch files over SFTP (docs/formats/tax-batch.md). */
import { ADDRESS_CHANGED_V1, type ConnectorDefinition } from '@relais/connector-kit';
import { TaxSftpClient } from './client.ts';
import { taxClientOptions, taxSettings, taxSinkSettings, taxSourceSettings } from './config.ts';
import { createTaxSink } from './sink.ts';
import { createTaxSource } from './source.ts';

const taxConnector: ConnectorDefinition<typeof taxSettings> = {
  kind: 'tax',
  description:
    "Tax office (SFTP batch files): sends address changes in daily files, reports the tax office's acknowledgements, collects the addresses declared to it.",
  accepts: [ADDRESS_CHANGED_V1],
  emits: [ADDRESS_CHANGED_V1],
  settings: taxSettings,
  createSink: ({ settings }) => createTaxSink(new TaxSftpClient(taxClientOptions(settings)), taxSinkSettings(settings)),
  createSource: ({ settings }) => createTaxSource(new TaxSftpClient(taxClientOptions(settings)), taxSourceSettings(settings)),
};

export default taxConnector;

/** tax: the tax office, reached through batch files over SFTP (docs/formats/tax-batch.md). */
import { ADDRESS_CHANGED_V1, type ConnectorDefinition } from '@relais/connector-kit';
import { TaxSftpClient } from './client.ts';
import { taxClientOptions, taxSinkSettings, taxSourceSettings } from './config.ts';
import { createTaxSink } from './sink.ts';
import { createTaxSource } from './source.ts';

export const taxConnector: ConnectorDefinition = {
  kind: 'tax',
  description:
    "Tax office (SFTP batch files): sends address changes in daily files, reports the tax office's acknowledgements, collects the addresses declared to it.",
  accepts: [ADDRESS_CHANGED_V1],
  emits: [ADDRESS_CHANGED_V1],
  createSink: ({ config }) => createTaxSink(new TaxSftpClient(taxClientOptions(config)), taxSinkSettings(config)),
  createSource: ({ config }) => createTaxSource(new TaxSftpClient(taxClientOptions(config)), taxSourceSettings(config)),
};

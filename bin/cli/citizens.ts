/**
 * `relais citizens erase <pivotId>`, through the gateway (POST /v1/citizens/{pivotId}/erasure):
 * destroys the citizen's data keys, so nothing of their personal data opens any more — in the
 * store, on Kafka, after any replay — and records the erasure in the audit log. Needs a
 * credential with the rights file's `declare: erasure` (the `dpo` role). docs/privacy.md.
 */
import type { Command } from 'commander';
import { call, connect, withGateway, type GatewayOptions } from './gateway-client.ts';
import { CliError, printJson, type Io } from './io.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function defineCitizens(citizens: Command, io: Io): void {
  withGateway(citizens.command('erase'))
    .description('erase a citizen: destroy their data keys (their personal data no longer opens anywhere); audited; needs declare: erasure')
    .argument('<pivotId>', "the citizen's pivot id")
    .option('--json', "print the gateway's answer")
    .action(async (pivotId: string, options: GatewayOptions & { json?: boolean }) => {
      if (!UUID.test(pivotId)) throw new CliError(`${pivotId} is not a pivot id (a UUID)`, 2);
      const connection = connect(io, options);
      const erased = await call(connection, `erasing citizen ${pivotId}`, () =>
        connection.http.POST('/v1/citizens/{pivotId}/erasure', { params: { path: { pivotId } } }),
      );
      if (options.json) return printJson(io, erased);
      io.out(
        `erased ${erased.pivotId} at ${erased.erasedAt}: ${erased.keysDestroyed} data key(s) destroyed, ${erased.notesErased} note(s) emptied` +
          (erased.pivotIds.length > 1 ? ` (pivot ids ${erased.pivotIds.join(', ')})` : ''),
      );
    });
}

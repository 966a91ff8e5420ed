/**
 * `relais identities import|held|link|unlink|merge|redrive`: onboarding a population (import, below; `held` lists the
 * records it held for review, GET /v1/identity-reviews/imports, scope identity:review) and managing the crosswalk through the gateway
 * (POST /v1/identities/…; scope identity:manage, rights `crosswalk`). Each decision is audited by
 * the gateway; docs/identities.md says what becomes of the citizens' changes, timelines and
 * deliveries. After a link, `redrive` sends the changes a system rejected for want of an
 * identifier again (a merge does it by default).
 */
import type { Command } from 'commander';
import type { components } from '../../gateway/generated/api.ts';
import type { ImportReport } from '../../identity/population-import.ts';
import { call, connect, withGateway, type GatewayOptions } from './gateway-client.ts';
import { CliError, printJson, type Io } from './io.ts';
import { startProgress } from './progress.ts';

type Redriven = components['schemas']['RedrivenChange'][];
type Options = GatewayOptions & { json?: boolean; reason?: string };

function printRedriven(io: Io, redriven: Redriven | undefined): void {
  if (!redriven) return;
  for (const r of redriven) io.out(`re-driven ${r.changeId} to ${r.systems.join(', ')}`);
  io.out(`${redriven.length} change(s) sent again (follow them: relais changes status <id> --wait)`);
}

/** Lines in the file (for the progress bar's total), counted without parsing. */
async function countLines(file: string): Promise<number> {
  const { createReadStream } = await import('node:fs');
  let lines = 0;
  for await (const chunk of createReadStream(file)) for (const byte of chunk as Buffer) if (byte === 10) lines++;
  return lines;
}

type ImportCliOptions = { file?: string; fromSilo?: boolean; dryRun?: boolean; json?: boolean; batch?: string };

/**
 * `relais identities import <system> --file … | --from-silo`: runs in this process against the
 * store, the register's connector and (from the silo) the system's own connector's file lister,
 * with the configuration of the other processes (DATABASE_URL, the connectors' settings, the
 * flows); identity/population-import.ts does the work, the same for a file and for the silo.
 */
async function importPopulationCommand(io: Io, system: string, options: ImportCliOptions): Promise<void> {
  if (Boolean(options.file) === Boolean(options.fromSilo)) throw new CliError('give either --file <file> or --from-silo', 2);
  const [{ createRuntime }, { loadConnectors }, { fileListerFor, identityResolverFor }, { importPopulation }] = await Promise.all([
    import('../../core/runtime.ts'),
    import('../../connectors/loader.ts'),
    import('../../connectors/host.ts'),
    import('../../identity/population-import.ts'),
  ]);
  const connectors = await loadConnectors();
  const runtime = await createRuntime({ component: 'identities-import', connectors: connectors.definitions });
  const stop = new AbortController();
  const interrupt = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  try {
    if (!runtime.flows().systems.has(system)) throw new CliError(`no system ${system} is declared in the flows`, 2);
    const resolver = identityResolverFor(runtime, connectors);
    if (!resolver) throw new CliError('no connected system offers a register to match against (createIdentityResolver)', 2);
    const silo = options.fromSilo ? await fileListerFor(runtime, connectors, system) : undefined;
    if (options.fromSilo && !silo) throw new CliError(`the connector of ${system} cannot list its silo's files (createFileLister)`, 2);
    const from = silo ? { silo } : { file: options.file! };
    const label = options.dryRun ? 'matched (dry run)' : 'imported';
    const progress = startProgress(io, options.file ? await countLines(options.file) : 0, label);
    let report: ImportReport;
    try {
      report = await importPopulation({
        ...from,
        db: runtime.db,
        resolver,
        system,
        actor: options.file ? `import ${options.file}` : `import ${system} --from-silo`,
        dryRun: Boolean(options.dryRun),
        ...(options.batch ? { batchSize: Number(options.batch) } : {}),
        onProgress: (done) => progress.update(done, label),
        signal: stop.signal,
        logger: runtime.logger.child({ system }),
      });
    } finally {
      progress.stop();
      await silo?.close?.();
    }
    printImportReport(io, report, options.file ?? `${system} (silo) record`, options.json);
  } finally {
    process.off('SIGINT', interrupt);
    await runtime.close();
  }
}

/** The report's lines (`where:position: id: outcome: reason`) and its counts, or the JSON. */
function printImportReport(io: Io, report: ImportReport, where: string, json = false): void {
  if (json) return printJson(io, report);
  for (const line of report.lines)
    io.out(`${where}:${line.line}: ${line.localId || '(no id)'}: ${line.outcome}${line.reason ? `: ${line.reason}` : ''}`);
  const { counts } = report;
  io.out(
    `${report.dryRun ? 'dry run (nothing written): ' : ''}${counts.linked} linked, ${counts.held} held, ${counts.unmatched} unmatched, ` +
      `${counts['already-linked']} already linked, ${counts.invalid} invalid, of ${report.total} records` +
      (report.resumedAfter > 0 ? ` (resumed after ${report.from === 'silo' ? 'record' : 'line'} ${report.resumedAfter})` : ''),
  );
}

export function defineIdentities(identities: Command, io: Io): void {
  identities
    .command('import')
    .description("match a system's population against the register: link exact matches, hold homonyms, report the rest")
    .argument('<system>', 'the system whose identifiers the file holds (declared in the flows)')
    .option('--file <file>', 'CSV (id,birthName,givenNames,dateOfBirth,birthPlace,birthPlaceInsee,birthCountry) or JSON Lines (.jsonl)')
    .option('--from-silo', "list the silo's files through its connector instead of a file (connectors with a file lister)")
    .option('--dry-run', 'match and report, write nothing')
    .option('--batch <n>', 'records per transaction (default 500)')
    .option('--json', 'print the report as JSON')
    .action((system: string, options: ImportCliOptions) => importPopulationCommand(io, system, options));

  withGateway(identities.command('held'))
    .description("list an import's held records still undecided: the system's identifier and the register's candidates")
    .argument('<system>', 'the system whose population was imported')
    .option('--import <importId>', 'only this import (the report of `identities import --json` gives its id)')
    .option('--limit <n>', 'records per page (default 100, at most 500)')
    .option('--after <cursor>', 'the next page (printed at the end of the previous one)')
    .option('--json', "print the gateway's answer")
    .action(async (system: string, options: Options & { import?: string; limit?: string; after?: string }) => {
      const connection = connect(io, options);
      const query = {
        system,
        ...(options.import ? { importId: options.import } : {}),
        ...(options.limit ? { limit: Number(options.limit) } : {}),
        ...(options.after ? { after: options.after } : {}),
      };
      const answer = await call(connection, `listing ${system}'s held records`, () =>
        connection.http.GET('/v1/identity-reviews/imports', { params: { query } }),
      );
      if (options.json) return printJson(io, answer);
      for (const r of answer.records) {
        const candidates = r.candidates.map((c) => `${c.registerId} (${c.score})`).join(', ');
        io.out(`${r.importId} line ${r.line}: ${r.localId}${r.reason ? ` (${r.reason})` : ''}: ${candidates}`);
      }
      io.out(`${answer.records.length} held record(s) to decide (POST /v1/identity-reviews/imports/{importId}/{line}/decision)`);
      if (answer.next) io.out(`more: relais identities held ${system} --after ${answer.next}`);
    });

  withGateway(identities.command('link'))
    .description("link a system's identifier to a citizen (audited)")
    .argument('<pivotId>', 'the citizen')
    .argument('<system>', 'a system declared in the flows')
    .argument('<id>', "the system's identifier of the citizen")
    .option('--redrive', 'send the changes this system rejected for want of an identifier again')
    .option('--reason <text>', 'why (kept in the audit entry; no personal data)')
    .option('--json', "print the gateway's answer")
    .action(async (pivotId: string, system: string, id: string, options: Options & { redrive?: boolean }) => {
      const connection = connect(io, options);
      const body = { pivotId, system, id, redrive: Boolean(options.redrive), ...(options.reason ? { reason: options.reason } : {}) };
      const answer = await call(connection, `linking ${system} ${id}`, () => connection.http.POST('/v1/identities/links', { body }));
      if (options.json) return printJson(io, answer);
      io.out(answer.created ? `linked ${system} ${id} to ${answer.pivotId}` : `${system} ${id} was already linked to ${answer.pivotId}`);
      printRedriven(io, answer.redriven);
    });

  withGateway(identities.command('unlink'))
    .description("remove a system's identifier from the crosswalk (audited); the citizen's history stays theirs")
    .argument('<system>', 'a system declared in the flows')
    .argument('<id>', "the system's identifier")
    .option('--reason <text>', 'why (kept in the audit entry; no personal data)')
    .option('--json', "print the gateway's answer")
    .action(async (system: string, id: string, options: Options) => {
      const connection = connect(io, options);
      const body = { system, id, ...(options.reason ? { reason: options.reason } : {}) };
      const answer = await call(connection, `unlinking ${system} ${id}`, () => connection.http.POST('/v1/identities/unlink', { body }));
      if (options.json) return printJson(io, answer);
      io.out(`unlinked ${system} ${id} from ${answer.pivotId}`);
    });

  withGateway(identities.command('merge'))
    .description('merge two pivot ids found to be one person: <from> stands for <into> from now on (audited)')
    .argument('<from>', 'the pivot id that stops standing for a citizen of its own')
    .argument('<into>', 'the pivot id that stands for the person')
    .option('--no-redrive', 'do not send again the changes rejected for want of an identifier now known')
    .option('--reason <text>', 'why (kept in the audit entry; no personal data)')
    .option('--json', "print the gateway's answer")
    .action(async (from: string, into: string, options: Options & { redrive: boolean }) => {
      const connection = connect(io, options);
      const body = { from, into, redrive: options.redrive, ...(options.reason ? { reason: options.reason } : {}) };
      const answer = await call(connection, `merging ${from} into ${into}`, () => connection.http.POST('/v1/identities/merge', { body }));
      if (options.json) return printJson(io, answer);
      io.out(`merged ${answer.merged} into ${answer.pivotId} (identifiers moved: ${answer.movedSystems.join(', ') || 'none'})`);
      printRedriven(io, answer.redriven);
    });

  withGateway(identities.command('redrive'))
    .description('send again the changes systems rejected with IDENTITY_UNKNOWN, to those that now know the citizen')
    .argument('<pivotId>', 'the citizen')
    .option('--system <system...>', 'only these systems')
    .option('--reason <text>', 'why (kept in the audit entry; no personal data)')
    .option('--json', "print the gateway's answer")
    .action(async (pivotId: string, options: Options & { system?: string[] }) => {
      const connection = connect(io, options);
      const body = {
        pivotId,
        ...(options.system ? { systems: options.system } : {}),
        ...(options.reason ? { reason: options.reason } : {}),
      };
      const answer = await call(connection, `re-driving ${pivotId}'s changes`, () =>
        connection.http.POST('/v1/identities/redrive', { body }),
      );
      if (options.json) return printJson(io, answer);
      printRedriven(io, answer.redriven);
    });
}

/**
 * The `relais` program: one commander command per verb, each defined in its own module.
 * runCli() parses, runs, and turns any failure into one line on stderr and an exit code
 * (usage errors 2, failures 1, `kafka status` not running 3); it never exits the process itself,
 * so tests drive it in-process with a captured Io.
 *
 * Verbs are loaded lazily: the program knows every verb's name and summary (enough for
 * `relais --help`, `--version` and "unknown command"), and imports a verb's module only when
 * that verb runs or its help is asked for. `relais --help` thus loads commander and this file,
 * not the gateway, the router, the Kafka client and OpenTelemetry (docs/adr/0015).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeError } from '../../core/errors.ts';
import { CliError, processIo, type Io } from './io.ts';

/** Adds a verb's arguments, options, subcommands and action to its command. */
export type DefineVerb = (command: Command, io: Io) => void;

interface Verb {
  name: string;
  /** Its line in `relais --help`. */
  summary: string;
  /** Its module, imported only when the verb runs. */
  load(): Promise<DefineVerb>;
}

const verbs: Verb[] = [
  {
    name: 'start',
    summary: 'the quick start: Kafka, the store, the simulators, the connectors, the router and the gateway in one process',
    load: async () => (await import('./processes.ts')).defineStart,
  },
  {
    name: 'gateway',
    summary: 'the HTTP API, the outbox relay and the receipts consumer',
    load: async () => (await import('./processes.ts')).defineGateway,
  },
  {
    name: 'router',
    summary: 'the router (operations listener on RELAIS_OPS_PORT)',
    load: async () => (await import('./processes.ts')).defineRouter,
  },
  {
    name: 'connector',
    summary: 'the connector of one system declared in flows/ (its sink and/or source; operations listener on RELAIS_OPS_PORT)',
    load: async () => {
      const [processes, scaffold] = await Promise.all([import('./processes.ts'), import('./connector-new.ts')]);
      return (command, io) => {
        processes.defineConnector(command);
        scaffold.defineConnectorNew(command, io);
      };
    },
  },
  {
    name: 'kafka',
    summary: 'the local Kafka broker (infra/kafka): start, stop, status',
    load: async () => (await import('./kafka.ts')).defineKafka,
  },
  {
    name: 'flows',
    summary: 'the flow files: validate them, print the routing table',
    load: async () => (await import('./flows.ts')).defineFlows,
  },
  {
    name: 'rights',
    summary: 'the rights file: validate it, show who may say what about whom and see what',
    load: async () => (await import('./rights.ts')).defineRights,
  },
  { name: 'schemas', summary: 'the event catalogue (schemas/)', load: async () => (await import('./schemas.ts')).defineSchemas },
  {
    name: 'changes',
    summary: 'tell Relais about a change, follow its status, export its evidence',
    load: async () => {
      const [changes, proof] = await Promise.all([import('./changes.ts'), import('./audit.ts')]);
      return (command, io) => {
        changes.defineChanges(command, io);
        proof.defineEvidenceExport(command, io);
      };
    },
  },
  {
    name: 'dlq',
    summary: "a system's dead letters: list them, re-drive them once the cause is fixed",
    load: async () => (await import('./dlq.ts')).defineDlq,
  },
  {
    name: 'identities',
    summary: 'the crosswalk: link, unlink and merge citizens, re-drive what a system could not receive',
    load: async () => (await import('./identities.ts')).defineIdentities,
  },
  {
    name: 'audit',
    summary: 'the audit log: verify its hash chain and signed checkpoints',
    load: async () => (await import('./audit.ts')).defineAudit,
  },
  {
    name: 'evidence',
    summary: 'evidence bundles: verify one offline with the published public keys',
    load: async () => (await import('./audit.ts')).defineEvidence,
  },
  {
    name: 'citizens',
    summary: "a citizen's rights: erase them (destroy their data keys; the dpo role)",
    load: async () => (await import('./citizens.ts')).defineCitizens,
  },
  {
    name: 'systems',
    summary: 'connected systems: subscriptions, last success, lag, dead letters, connector instances',
    load: async () => (await import('./systems.ts')).defineSystems,
  },
];

/** The verb argv runs, or whose help it asks for (`relais help <verb>`); the program has no option taking a value. */
function verbOf(argv: string[]): Verb | undefined {
  const operands = argv.filter((arg) => !arg.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return verbs.find((verb) => verb.name === name);
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The program for argv: every verb named, the one argv runs fully defined. */
export async function createProgram(argv: string[], io: Io = processIo()): Promise<Command> {
  const program = new Command('relais')
    .description('Relais, the tell-us-once integration bus: run its parts, check its flows, operate it')
    .version(version(), '-V, --version', "print Relais's version")
    .showHelpAfterError('(relais --help lists the commands)')
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })
    .exitOverride();
  const running = verbOf(argv);
  const define = await running?.load();
  // Subcommands inherit the output settings and exitOverride: they are created after them.
  for (const verb of verbs) {
    const command = program.command(verb.name).description(verb.summary);
    if (verb === running) define?.(command, io);
  }
  return program;
}

/** Runs `relais <argv…>`; resolves to the exit code (long-running verbs resolve once ready). */
export async function runCli(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const program = await createProgram(argv, io);
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help).
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof CliError) {
      if (!error.silent) io.err(`relais: ${error.message}`);
      return error.exitCode;
    }
    io.err(`relais: ${describeError(error)}`);
    return 1;
  }
}

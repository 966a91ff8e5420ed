/**
 * The `relais` program: one commander command per verb group, each in its own module.
 * runCli() parses, runs, and turns any failure into one line on stderr and an exit code
 * (usage errors 2, failures 1, `kafka status` not running 3); it never exits the process itself,
 * so tests drive it in-process with a captured Io.
 */
import { Command, CommanderError } from 'commander';
import { describeError } from '../../core/errors.ts';
import { addChangesCommands } from './changes.ts';
import { addConnectorNewCommand } from './connector-new.ts';
import { addDlqCommands } from './dlq.ts';
import { addFlowsCommands } from './flows.ts';
import { CliError, processIo, type Io } from './io.ts';
import { addKafkaCommands } from './kafka.ts';
import { addProcessCommands } from './processes.ts';
import { addSchemasCommands } from './schemas.ts';
import { addSystemsCommand } from './systems.ts';

export interface RelaisProgram {
  program: Command;
  /** `relais connector`: `connector <system>` runs one; subcommands (`connector new`) go here. */
  connector: Command;
}

export function createProgram(io: Io = processIo()): RelaisProgram {
  const program = new Command('relais')
    .description('Relais, the tell-us-once integration bus: run its parts, check its flows, operate it')
    .showHelpAfterError('(relais --help lists the commands)')
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })
    .exitOverride();
  // Subcommands inherit the output settings and exitOverride: they are created after them.
  const connector = addProcessCommands(program);
  addConnectorNewCommand(connector, io);
  addKafkaCommands(program, io);
  addFlowsCommands(program, io);
  addSchemasCommands(program, io);
  addChangesCommands(program, io);
  addDlqCommands(program, io);
  addSystemsCommand(program, io);
  return { program, connector };
}

/** Runs `relais <argv…>`; resolves to the exit code (long-running verbs resolve once ready). */
export async function runCli(argv: string[], io: Io = processIo(), relais: RelaisProgram = createProgram(io)): Promise<number> {
  try {
    if (argv.length === 0) {
      relais.program.outputHelp({ error: true });
      return 2;
    }
    await relais.program.parseAsync(argv, { from: 'user' });
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

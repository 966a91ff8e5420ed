/**
 * `npm run kafka -- start|stop|status [--port 9092] [--version 3.9.1] [--nodes 1] [--fresh]`:
 * the same as `relais kafka …` (bin/cli/kafka.ts), kept for CI and the npm script; with no
 * verb, `status`.
 */
import { runCli } from '../../bin/cli/program.ts';

const args = process.argv.slice(2);
const verb = args[0] && !args[0].startsWith('-') ? [] : ['status'];
process.exitCode = await runCli(['kafka', ...verb, ...args]);

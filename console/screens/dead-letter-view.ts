/**
 * How the operations screen (operations.ts) shows a dead letter's state and error. The API lists
 * the latest dead letter of each event with what became of it since (a replay may have applied
 * it), so the list mixes letters still waiting for an operator with settled ones: the waiting
 * come first, each state is a badge. The error arrives as the code and a message that, written
 * for logs, usually starts with the code again and can run long: the code is shown once, the
 * message shortened in the list (whole on the dead letter's own page).
 */
import type { Schemas } from '../api.ts';

type DeadLetter = Schemas['DeadLetter'];

/** Nothing settled these yet: an operator has to fix, replay, discard or (poison) look into them. */
const WAITING: ReadonlySet<DeadLetter['status']> = new Set(['dead_lettered', 'replay_pending', 'poison']);

export const isWaiting = (d: Pick<DeadLetter, 'status'>): boolean => WAITING.has(d.status);

/** The waiting letters first, each group in the API's order (oldest first). */
export function waitingFirst<T extends Pick<DeadLetter, 'status'>>(letters: readonly T[]): T[] {
  return [...letters.filter(isWaiting), ...letters.filter((d) => !isWaiting(d))];
}

/** The message without the code it repeats (`CODE: CODE: detail` becomes `detail`). */
export function errorMessage(code: string, error: string): string {
  const prefix = `${code}:`;
  let message = error.trim();
  while (message.startsWith(prefix)) message = message.slice(prefix.length).trimStart();
  return message;
}

/** At most `max` characters, cut at a word when there is one in the last quarter, with an ellipsis. */
export function shortened(text: string, max = 90): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > (max * 3) / 4 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Progress of long operations (waiting for a broker, for a change to settle) with cli-progress,
 * drawn on stderr when it is a terminal and skipped otherwise, so scripts and --json output
 * never see it.
 */
import { SingleBar } from 'cli-progress';
import type { Io } from './io.ts';

export interface Progress {
  update(value: number, label: string): void;
  stop(): void;
}

const silent: Progress = { update: () => undefined, stop: () => undefined };

/** `total` 0: unknown (a silo's listing): the bar then counts what is done. */
export function startProgress(io: Io, total: number, label: string): Progress {
  if (!io.progress) return silent;
  const bar = new SingleBar({
    stream: io.progress,
    format: '{bar} {value}/{total} {label} ({duration}s)',
    hideCursor: true,
    clearOnComplete: true,
  });
  // The bar redraws on its own schedule, so the elapsed time moves while nothing else does.
  bar.start(total, 0, { label });
  return {
    update: (value, text) => {
      if (total === 0) bar.setTotal(value);
      bar.update(value, { label: text });
    },
    stop: () => bar.stop(),
  };
}

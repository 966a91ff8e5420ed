/**
 * A silo outage is not a delivery failure (issue 13, docs/adr/0024-silo-circuit.md). One
 * circuit per system tells a silo that is down apart from a delivery that fails:
 *   - closed: deliveries are tried as usual;
 *   - open: `threshold` retriable failures in a row across deliveries (503, refused connections,
 *     timeouts), or a delivery that spent its attempts while nothing succeeded since its first
 *     failure. Every delivery then waits in `turn()` — the partitions' handlers do not return, so
 *     the system's delivery topic is not consumed further — while one probe at a time tries the
 *     silo with exponential backoff; the first success closes the circuit and they all resume;
 *   - a delivery that spends its attempts while other deliveries succeeded is dead-lettered (it
 *     is the delivery, not the silo); one failing while the circuit has been open longer than
 *     the system's patience is dead-lettered too.
 * The same semantics as cockatiel's ConsecutiveBreaker with a half-open probe, kept in the
 * runtime because the waiting must also block the consumer and survive per delivery (ADR).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from './backoff.ts';

export interface CircuitOptions {
  /** Retriable failures in a row, across deliveries, that open the circuit. */
  threshold: number;
  /** How long the silo may be unavailable before failing deliveries are dead-lettered. */
  patienceMs: number;
  /** Probe backoff while open. */
  probe: { baseMs: number; maxMs: number };
  /** Told when the circuit opens (with the time the outage began) and closes. */
  onChange?(unavailableSince: Date | undefined): void;
}

export class StopWaiting extends Error {}

export class SiloCircuit {
  private consecutive = 0;
  private firstFailureAt: number | undefined;
  private lastSuccessAt = 0;
  private openSince: number | undefined;
  private probes = 0;
  private nextProbeAt = 0;
  private probing = false;
  private readonly options: CircuitOptions;

  constructor(options: CircuitOptions) {
    this.options = options;
  }

  /** When the silo became unavailable, while the circuit is open. */
  get unavailableSince(): Date | undefined {
    return this.openSince === undefined ? undefined : new Date(this.openSince);
  }

  /** Waits until this caller may try the silo: at once when closed; its probe's turn when open. */
  async turn(stop: AbortSignal): Promise<void> {
    for (;;) {
      if (this.openSince === undefined) return;
      if (Date.now() - this.openSince >= this.options.patienceMs) return;
      if (!this.probing && Date.now() >= this.nextProbeAt) {
        this.probing = true;
        return;
      }
      const wait = Math.max(20, Math.min(250, this.nextProbeAt - Date.now()));
      try {
        await sleep(wait, undefined, { signal: stop });
      } catch {
        throw new StopWaiting('stopping while the silo is unavailable');
      }
    }
  }

  /** The silo answered (applied or refused): it is up. */
  success(): void {
    this.consecutive = 0;
    this.firstFailureAt = undefined;
    this.lastSuccessAt = Date.now();
    this.probing = false;
    if (this.openSince !== undefined) {
      this.openSince = undefined;
      this.probes = 0;
      this.options.onChange?.(undefined);
    }
  }

  /** A failure that says nothing of the silo's health (not retriable): lets the next probe go. */
  neutral(): void {
    this.probing = false;
  }

  /** A retriable failure (503, refused, timed out). */
  failure(): void {
    const now = Date.now();
    this.consecutive++;
    this.firstFailureAt ??= now;
    if (this.probing || this.openSince !== undefined) {
      this.probing = false;
      this.probes++;
      this.nextProbeAt = now + backoffDelay(this.probes, this.options.probe);
    }
    if (this.openSince === undefined && this.consecutive >= this.options.threshold) this.open();
  }

  /**
   * A delivery spent its attempts on retriable failures since `since`: whether to dead-letter it
   * (with why), or to keep it waiting for the silo (undefined; the circuit opens if it was not).
   */
  exhausted(since: number): string | undefined {
    if (this.lastSuccessAt > since) return 'failed while the silo answered other deliveries';
    if (this.openSince !== undefined && Date.now() - this.openSince >= this.options.patienceMs)
      return `the silo has been unavailable for longer than its patience (${this.options.patienceMs} ms)`;
    if (this.openSince === undefined) this.open();
    return undefined;
  }

  private open(): void {
    this.openSince = this.firstFailureAt ?? Date.now();
    this.probes = 1;
    this.nextProbeAt = Date.now() + backoffDelay(1, this.options.probe);
    this.options.onChange?.(new Date(this.openSince));
  }
}

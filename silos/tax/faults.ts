/**
 * Fault injection, for tests and demonstrations: what the tax office does wrong on purpose.
 * Set through TaxSilo.setFaults() in-process, or TAX_SILO_FAULTS (JSON) for main.ts.
 */
export interface TaxFaults {
  /** Records refused with E199 whatever they hold. */
  refuseEventIds?: string[];
  /** The next N records processed are refused with E199. */
  refuseNext?: number;
  /** Batches are picked up but never acknowledged (moved to inbox/held/). */
  withholdAcknowledgements?: boolean;
  /** Waits this long before processing each batch (a slow tax office). */
  delayMs?: number;
  /** The next upload into inbox/ loses its connection after this many bytes (once). */
  cutUploadAfterBytes?: number;
}

export function parseFaults(json: string | undefined): TaxFaults {
  if (!json) return {};
  const value = JSON.parse(json) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('TAX_SILO_FAULTS: expected a JSON object');
  return value;
}

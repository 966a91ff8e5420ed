/**
 * The address block and the date and timestamp fields shared by the tax office's file formats
 * (docs/formats/tax-batch.md). Pure conversions between canonical values and field values.
 */
import { FieldError, type FieldSpec, type Values } from './fixed-width.ts';

/** The canonical address (schemas/defs/common.json#/$defs/address) as far as tax files carry it. */
export interface TaxAddress {
  number?: string | undefined;
  suffix?: string | undefined;
  streetName: string;
  complement?: string | undefined;
  postcode: string;
  communeName: string;
  communeInsee?: string | undefined;
  country: string;
}

/** 326 characters, wide enough for every value the canonical schema allows. */
export const addressFields: readonly FieldSpec[] = [
  ['number', 5],
  ['suffix', 9],
  ['streetName', 100],
  ['complement', 100],
  ['postcode', 5],
  ['communeName', 100],
  ['communeInsee', 5],
  ['country', 2],
];

export function addressValues(address: TaxAddress): Values {
  return {
    number: address.number,
    suffix: address.suffix,
    streetName: address.streetName,
    complement: address.complement,
    postcode: address.postcode,
    communeName: address.communeName,
    communeInsee: address.communeInsee,
    country: address.country,
  };
}

function required(values: Values, field: string): string {
  const value = values[field];
  if (!value) throw new FieldError(field, 'is blank');
  return value;
}

function optional(values: Values, field: string): string | undefined {
  return values[field] || undefined;
}

export function addressFrom(values: Values): TaxAddress {
  const address: TaxAddress = {
    streetName: required(values, 'streetName'),
    postcode: required(values, 'postcode'),
    communeName: required(values, 'communeName'),
    country: required(values, 'country'),
  };
  for (const field of ['number', 'suffix', 'complement', 'communeInsee'] as const) {
    const value = optional(values, field);
    if (value !== undefined) address[field] = value;
  }
  return address;
}

/** 2026-11-01 → 20261101 */
export function toFileDate(isoDate: string, field: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new FieldError(field, 'not a YYYY-MM-DD date');
  return isoDate.replaceAll('-', '');
}

/** 20261101 → 2026-11-01, refusing impossible dates. */
export function fromFileDate(value: string | undefined, field: string): string {
  if (!value || !/^\d{8}$/.test(value)) throw new FieldError(field, 'not a YYYYMMDD date');
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) throw new FieldError(field, 'not a calendar date');
  return iso;
}

/** A UTC instant as YYYYMMDDHHMMSS. */
export function toFileTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function fromFileTimestamp(value: string | undefined, field: string): string {
  if (!value || !/^\d{14}$/.test(value)) throw new FieldError(field, 'not a YYYYMMDDHHMMSS timestamp');
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(8, 10)}:${value.slice(10, 12)}:${value.slice(12, 14)}Z`;
  if (Number.isNaN(new Date(iso).getTime())) throw new FieldError(field, 'not a valid timestamp');
  return iso;
}

/**
 * ISO-8859-15 (Latin-9), the encoding of the tax office's batch files: one byte per character,
 * so a fixed-width record has as many bytes as characters. Node has no encoder for it (its
 * `latin1` is ISO-8859-1, which lacks €, Š, š, Ž, ž, Œ, œ and Ÿ), hence these tables.
 *
 * Bytes 0x00–0x1F, 0x7F and 0x80–0x9F are control codes, never text in these files: decoding
 * refuses them (a UTF-8 or Windows-1252 file usually shows itself that way). Encoding a
 * character outside Latin-9 follows the transliteration rule of docs/formats/tax-batch.md:
 * a letter with a diacritic Latin-9 lacks loses the diacritic (ő → o), a few typographic
 * characters have a fixed substitute (’ → ', – → -, … → ...), anything else is refused.
 */

/** The eight positions where Latin-9 differs from Latin-1. */
const latin9Differences: [byte: number, char: string][] = [
  [0xa4, '€'],
  [0xa6, 'Š'],
  [0xa8, 'š'],
  [0xb4, 'Ž'],
  [0xb8, 'ž'],
  [0xbc, 'Œ'],
  [0xbd, 'œ'],
  [0xbe, 'Ÿ'],
];

const byteToChar: string[] = Array.from({ length: 256 }, (_, byte) => String.fromCharCode(byte));
for (const [byte, char] of latin9Differences) byteToChar[byte] = char;

const latin1Differs = /[\xa4\xa6\xa8\xb4\xb8\xbc-\xbe]/;
const latin1DiffersAll = new RegExp(latin1Differs.source, 'g');

const charToByte = new Map<number, number>();
for (let byte = 0xa0; byte <= 0xff; byte++) charToByte.set(byteToChar[byte]!.charCodeAt(0), byte);

/** Substitutes for characters Latin-9 lacks that have no diacritic to drop. */
const substitutes: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2007': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  ı: 'i',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ŀ: 'l',
  Ŀ: 'L',
};

export function isTextByte(byte: number): boolean {
  return (byte >= 0x20 && byte < 0x7f) || byte >= 0xa0;
}

export class EncodingError extends Error {
  /** The offending code point (safe to log: a character, not a value). */
  readonly codePoint: number;

  constructor(message: string, codePoint: number) {
    super(message);
    this.codePoint = codePoint;
    this.name = 'EncodingError';
  }
}

function encodableByte(code: number): number | undefined {
  if (code >= 0x20 && code < 0x7f) return code;
  return charToByte.get(code);
}

/** One character outside Latin-9 → its replacement under the documented rule, or undefined. */
function transliterate(char: string): string | undefined {
  const substitute = substitutes[char];
  if (substitute !== undefined) return substitute;
  const base = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  if (base === '' || base === char) return undefined;
  for (const c of base) if (encodableByte(c.codePointAt(0)!) === undefined) return undefined;
  return base;
}

/**
 * The text as Latin-9 characters: unchanged when it is already, transliterated otherwise.
 * Throws EncodingError naming the first character that has no Latin-9 form.
 */
export function toLatin9Text(text: string): string {
  // Most values are already Latin-9 text: check once instead of character by character.
  if (latin9Text.test(text)) return text;
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (encodableByte(code) !== undefined) {
      out += char;
      continue;
    }
    const replacement = transliterate(char);
    if (replacement === undefined) {
      throw new EncodingError(`U+${code.toString(16).toUpperCase().padStart(4, '0')} has no ISO-8859-15 form`, code);
    }
    out += replacement;
  }
  return out;
}

const printableAscii = /^[\x20-\x7e]*$/;
/** Characters Latin-9 encodes, all of them (its eight letters included; Latin-1's eight it replaces excluded). */
const latin9Text = /^[\x20-\x7e\xa0-\xa3\xa5\xa7\xa9-\xb3\xb5-\xb7\xb9-\xbb\xbf-\xff€ŠšŽžŒœŸ]*$/;

/** Writes Latin-9 text (see toLatin9Text) into `target` at `offset`; returns the bytes written. */
export function writeLatin9(text: string, target: Buffer, offset: number): number {
  // The common case (plain ASCII) goes through Node's native writer.
  if (printableAscii.test(text)) return target.write(text, offset, 'latin1');
  for (let i = 0; i < text.length; i++) {
    const byte = encodableByte(text.charCodeAt(i));
    if (byte === undefined)
      throw new EncodingError(`U+${text.charCodeAt(i).toString(16).toUpperCase()} is not ISO-8859-15 text`, text.charCodeAt(i));
    target[offset + i] = byte;
  }
  return text.length;
}

export function encodeLatin9(text: string): Buffer {
  const latin = toLatin9Text(text);
  const buffer = Buffer.allocUnsafe(latin.length);
  writeLatin9(latin, buffer, 0);
  return buffer;
}

/** Index of the first byte that is not Latin-9 text, or -1. */
export function firstNonTextByte(bytes: Uint8Array, start = 0, end = bytes.length): number {
  for (let i = start; i < end; i++) if (!isTextByte(bytes[i]!)) return i;
  return -1;
}

/** Decodes Latin-9 text bytes (callers check firstNonTextByte first where it matters). */
export function decodeLatin9(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  return latin1Differs.test(latin1) ? latin1.replace(latin1DiffersAll, (c) => byteToChar[c.charCodeAt(0)]!) : latin1;
}

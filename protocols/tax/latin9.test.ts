/** ISO-8859-15 codec: round trips, the eight Latin-9 letters, the transliteration rule, refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeLatin9, encodeLatin9, EncodingError, firstNonTextByte, toLatin9Text } from './latin9.ts';

test('accented French names and the Latin-9 letters survive a round trip, one byte each', () => {
  const text = 'Éloïse Lœtitia Cœur-de-Lion, 12 rue Saint-Exupéry — œuvre à 5 € (Š ž Ÿ)';
  const latin = toLatin9Text(text);
  const bytes = encodeLatin9(text);
  assert.equal(bytes.length, latin.length);
  assert.equal(decodeLatin9(bytes), latin);
  assert.equal(encodeLatin9('œ')[0], 0xbd);
  assert.equal(encodeLatin9('€')[0], 0xa4);
});

test('characters outside Latin-9 are transliterated by the documented rule or refused', () => {
  assert.equal(toLatin9Text('Łódź'), 'Lódz');
  assert.equal(toLatin9Text('Erdős'), 'Erdos');
  assert.equal(toLatin9Text('l’Haÿ-les-Roses – Val…'), "l'Haÿ-les-Roses - Val...");
  assert.throws(
    () => toLatin9Text('東京'),
    (error: unknown) => error instanceof EncodingError && /U\+6771/.test(error.message),
  );
  assert.throws(() => toLatin9Text('tab\there'), EncodingError);
});

test('control bytes are not text', () => {
  assert.equal(firstNonTextByte(Buffer.from('abc')), -1);
  assert.equal(firstNonTextByte(Buffer.from([0x41, 0x85, 0x41])), 1);
  assert.equal(firstNonTextByte(Buffer.from([0x41, 0x09])), 1);
});

test('property: any string of Latin-9 characters round-trips unchanged', () => {
  const latin9Char = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc
      .integer({ min: 0xa0, max: 0xff })
      .map((c) => String.fromCharCode(c))
      .filter((c) => !'¤¦¨´¸¼½¾'.includes(c)),
    fc.constantFrom('€', 'Š', 'š', 'Ž', 'ž', 'Œ', 'œ', 'Ÿ'),
  );
  fc.assert(
    fc.property(
      fc.array(latin9Char).map((chars) => chars.join('')),
      (text) => {
        assert.equal(decodeLatin9(encodeLatin9(text)), text);
      },
    ),
  );
});

test('property: any string either encodes to text bytes or is refused with an EncodingError', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      try {
        assert.equal(firstNonTextByte(encodeLatin9(text)), -1);
      } catch (error) {
        assert.ok(error instanceof EncodingError, String(error));
      }
    }),
  );
});

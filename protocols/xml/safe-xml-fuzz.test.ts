/**
 * Fuzzing as tests: the XML guard fed random text and random XML-like fragments (declarations,
 * entities, CDATA, comments), and deep nesting. It returns the text unchanged or refuses it with an
 * UnsafeXmlError naming a rule, never another exception; what it lets through has no DOCTYPE
 * or ENTITY declaration and is not nested deeper than the limit. Bounded: a few hundred runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertSafeXml, UnsafeXmlError } from './safe-xml.ts';

const limits = { maxBytes: 20_000, maxDepth: 8 };
const fragment = fc.oneof(
  fc.constantFrom('<a>', '</a>', '<b x="1">', '</b>', '<c/>', '<soap:Envelope xmlns:soap="urn:x">', '</soap:Envelope>'),
  fc.constantFrom('<!DOCTYPE a [<!ENTITY x "y">]>', '<!doctype a>', '<!ENTITY lol "lol">', '&x;', '&amp;', '&#0;', '&#x110000;', '&'),
  fc.constantFrom('<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '<?pi?>', '<', '>', '"', "'", '\u0000', '\ud800'),
  fc.string({ maxLength: 20 }),
);
const xmlLike = fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join(''));

test('fuzz: the XML guard returns the text or refuses it naming a rule, never another exception', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 500 }), xmlLike), (xml) => {
      try {
        assert.equal(assertSafeXml(xml, limits), xml);
      } catch (error) {
        assert.ok(error instanceof UnsafeXmlError, `unexpected ${String(error)}`);
        assert.ok(['size', 'doctype', 'entity', 'depth', 'malformed'].includes(error.rule));
        return;
      }
      assert.doesNotMatch(xml, /<!DOCTYPE|<!ENTITY/i);
    }),
    { numRuns: 500 },
  );
});

test('fuzz: nesting is accepted up to the limit and refused past it, at any depth', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2000 }), (depth) => {
      const xml = `${'<n>'.repeat(depth)}text${'</n>'.repeat(depth)}`;
      if (depth <= limits.maxDepth) assert.equal(assertSafeXml(xml, limits), xml);
      else
        assert.throws(
          () => assertSafeXml(xml, limits),
          (e: unknown) => e instanceof UnsafeXmlError && e.rule === 'depth',
        );
    }),
    { numRuns: 200 },
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSafeXml, UnsafeXmlError } from './safe-xml.ts';

const envelope = (body: string) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`;

function refusedFor(xml: string, limits?: { maxBytes: number; maxDepth: number }): string {
  try {
    assertSafeXml(xml, limits);
  } catch (error) {
    assert.ok(error instanceof UnsafeXmlError);
    return error.rule;
  }
  return 'accepted';
}

test('an ordinary SOAP envelope passes unchanged (attributes with ">", comments, CDATA, self-closing elements)', () => {
  const xml = envelope('<a x="1 > 0"><!-- note --><b/><c><![CDATA[<not a tag>]]></c>&amp;&lt;</a>');
  assert.equal(assertSafeXml(xml), xml);
});

test('XXE: a DOCTYPE with an external entity is refused', () => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope('<r>&x;</r>').replace('<?xml version="1.0"?>', '')}`;
  assert.equal(refusedFor(xxe), 'doctype');
});

test('billion laughs: nested entity declarations are refused before any expansion', () => {
  const lol = [
    '<!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ].join('');
  assert.equal(refusedFor(`<?xml version="1.0"?><!DOCTYPE lolz [${lol}]><lolz>&lol9;</lolz>`), 'doctype');
  assert.equal(refusedFor('<a><!ENTITY x "y"></a>'), 'entity');
});

test('too deep, too large, or malformed is refused; the message never quotes the content', () => {
  const deep = `${'<d>'.repeat(70)}secret${'</d>'.repeat(70)}`;
  assert.equal(refusedFor(deep), 'depth');
  assert.equal(refusedFor(envelope('x'.repeat(2000)), { maxBytes: 1000, maxDepth: 64 }), 'size');
  assert.equal(refusedFor('<a><b>secret-name</a>'), 'malformed');
  assert.equal(refusedFor('<a>&undeclared;</a>'), 'malformed');
  try {
    assertSafeXml('<a><b>secret-name</a>');
  } catch (error) {
    assert.doesNotMatch((error as Error).message, /secret/);
  }
});

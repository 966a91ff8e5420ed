/** The shared web layer without a browser: escaping, the language of a page, the catalogues. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messages } from '../console/messages.ts';
import { html, raw } from './html.ts';
import { formatDateTime, translator } from './i18n.ts';

test('every interpolated value is escaped; only Html passes through', () => {
  const name = `<script>alert("x")</script> & 'co'`;
  assert.equal(
    html`<p title="${name}">${name}</p>`.text,
    `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>`,
  );
  assert.equal(
    html`<ul>
      ${['a<', 'b'].map((x) => html`<li>${x}</li>`)}
    </ul>`.text.replace(/>\s+</g, '><'),
    '<ul><li>a&lt;</li><li>b</li></ul>',
  );
  assert.equal(html`${raw('<br>')}${undefined}${null}${false}${0}`.text, '<br>0');
});

test('the catalogues hold the same keys in both languages, none empty, placeholders alike', () => {
  const keys = Object.keys(messages.fr).sort();
  assert.deepEqual(Object.keys(messages.en).sort(), keys);
  for (const key of keys) {
    const fr = messages.fr[key as keyof typeof messages.fr];
    const en = messages.en[key as keyof typeof messages.en];
    assert.ok(fr && en, key);
    assert.deepEqual(fr.match(/\{\w+\}/g)?.sort(), en.match(/\{\w+\}/g)?.sort(), `${key}: the same placeholders`);
  }
  assert.equal(translator(messages, 'en')('loggedInAs', { agent: 'dominique.accueil' }), 'Logged in: dominique.accueil');
});

test('dates are formatted for the language, in Paris time', () => {
  assert.equal(formatDateTime('fr', '2026-12-06T22:30:00Z'), '6 déc. 2026, 23:30');
  assert.equal(formatDateTime('en', '2026-12-06T22:30:00Z'), '6 Dec 2026, 23:30');
});

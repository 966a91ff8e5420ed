/** The operations screen's view of a dead letter (screens/dead-letter-view.ts): the error's code shown once, long messages shortened, the waiting letters first. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessage, shortened, waitingFirst } from './screens/dead-letter-view.ts';

test('the message loses the code it repeats, however often, and nothing else', () => {
  assert.equal(
    errorMessage('SILO_UNAVAILABLE', 'SILO_UNAVAILABLE: changing an address: social-services answered 503'),
    'changing an address: social-services answered 503',
  );
  assert.equal(errorMessage('SILO_UNAVAILABLE', 'SILO_UNAVAILABLE: SILO_UNAVAILABLE: down'), 'down');
  assert.equal(
    errorMessage('SILO_REFUSED', 'the file SS-9 is closed <- SILO_REFUSED: 409'),
    'the file SS-9 is closed <- SILO_REFUSED: 409',
  );
});

test('a long message is cut at a word, with an ellipsis, within the limit; a short one is kept whole', () => {
  assert.equal(shortened('social-services answered 503', 90), 'social-services answered 503');
  const long =
    'changing an address: social-services answered 503 Service Unavailable after 3 attempts <- connect ECONNREFUSED 127.0.0.1:8082';
  const short = shortened(long, 90);
  assert.ok(short.length <= 90, short);
  assert.equal(short, 'changing an address: social-services answered 503 Service Unavailable after 3 attempts…');
  assert.equal(shortened('x'.repeat(120), 90), `${'x'.repeat(89)}…`);
});

test('the letters waiting for an operator come first, each group in the API’s order', () => {
  const letters = [
    { id: 1, status: 'applied' },
    { id: 2, status: 'dead_lettered' },
    { id: 3, status: 'published' },
    { id: 4, status: 'poison' },
    { id: 5, status: 'replay_pending' },
  ] as const;
  assert.deepEqual(
    waitingFirst(letters).map((d) => d.id),
    [2, 4, 5, 1, 3],
  );
});

/** The contract's one mapping error: what the runtime makes of it follows from its code and flag. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, isRetriable, MappingError, RelaisError } from './index.ts';

test('a MappingError is a RelaisError EVENT_INVALID that no retry can help', () => {
  const error = new MappingError('the delivery lacks effectiveDate');
  assert.ok(error instanceof RelaisError);
  assert.equal(error.code, 'EVENT_INVALID');
  assert.equal(error.name, 'MappingError');
  assert.equal(isRetriable(error), false);
  assert.equal(describeError(error), 'EVENT_INVALID: the delivery lacks effectiveDate');
});

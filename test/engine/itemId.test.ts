import { it } from 'node:test';
import assert from 'node:assert/strict';
import { itemId } from '../../src/engine/work/itemId.js';

it('work item ids are UUIDv7: valid, unique, and ordered by the time they were made', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => itemId(1_780_000_000_000 + i));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids, 'sorting the ids sorts them by time');
  assert.equal(itemId(0).slice(0, 13), '00000000-0000');
});

// Random ids: unpredictable, evenly drawn, and never shaped like a card number.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomId } from '../../src/core/random-id.js';

describe('randomId', () => {
  it('is letters only, of the asked length, and does not repeat', () => {
    const ids = Array.from({ length: 10_000 }, () => randomId());
    for (const id of ids) assert.match(id, /^[a-z]{26}$/);
    assert.equal(new Set(ids).size, ids.length);
    assert.match(randomId(5), /^[a-z]{5}$/);
  });

  it('draws every letter about equally often', () => {
    const counts = new Map<string, number>();
    for (const letter of randomId(260_000)) counts.set(letter, (counts.get(letter) ?? 0) + 1);
    assert.equal(counts.size, 26);
    // 10 000 expected each; a modulo bias (bytes 234–255 folded onto a–v) would add ~9 %.
    for (const [letter, count] of counts) {
      assert.ok(count > 9_400 && count < 10_600, `${letter}: ${count}`);
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupReprints, labelSummary, totalAnnotations, reprintCaption } from '../static/js/reprints.js';

const item = (article_id, start, end, annotations = {}, extra = {}) => ({
  article_id, outlet_id: article_id * 10, title: `Article ${article_id}`, start, end,
  other_start: start + 5, other_end: end + 5, similarity: 1, annotations, ...extra,
});

test('overlapping items of the same passage form one group, one entry per other article', () => {
  // As the service answers for the demo: three articles carry nearly the same span.
  const groups = groupReprints([
    item(4, 275, 894, { opinion: 1 }),
    item(1, 275, 907),
    item(2, 275, 894, { speculation: 2 }),
  ]);
  assert.equal(groups.length, 1);
  assert.deepEqual([groups[0].start, groups[0].end], [275, 907]);
  assert.deepEqual(groups[0].others.map((o) => o.article_id), [1, 2, 4]);
  assert.deepEqual(groups[0].others[2].annotations, { opinion: 1 });
  assert.equal(reprintCaption(groups[0]), 'Also in 3 other articles');
  assert.equal(totalAnnotations(groups[0]), 3);
});

test('separate passages stay separate and in text order; one article in two passages is in both', () => {
  const groups = groupReprints([item(7, 500, 600), item(7, 10, 100), item(8, 50, 120)]);
  assert.deepEqual(groups.map((g) => [g.start, g.end, g.others.map((o) => o.article_id)]), [
    [10, 120, [7, 8]],
    [500, 600, [7]],
  ]);
  assert.equal(reprintCaption(groups[1]), 'Also in 1 other article');
});

test('an article listed twice within one passage is counted once, its counts not added', () => {
  const [g] = groupReprints([
    item(3, 0, 100, { opinion: 2, loaded_language: 1 }, { similarity: 0.9, other_start: 40, other_end: 140 }),
    item(3, 50, 150, { opinion: 2 }, { similarity: 0.95, other_start: 90, other_end: 190 }),
  ]);
  assert.equal(g.others.length, 1);
  const o = g.others[0];
  assert.deepEqual(o.annotations, { opinion: 2, loaded_language: 1 });
  assert.equal(o.similarity, 0.95);
  assert.deepEqual([o.other_start, o.other_end], [40, 190]);
});

test('malformed items and items past the text are left out', () => {
  const groups = groupReprints([item(1, 5, 5), item(2, -1, 4), item(3, 0, 999), { start: 0, end: 4 }, null, item(4, 0, 4)], 100);
  assert.deepEqual(groups.map((g) => g.others.map((o) => o.article_id)), [[4]]);
  assert.deepEqual(groupReprints(undefined), []);
});

test('labelSummary follows the label order and drops zero counts', () => {
  const order = ['sourced_fact', 'speculation', 'opinion', 'loaded_language'];
  assert.deepEqual(labelSummary({ loaded_language: 2, opinion: 1, sourced_fact: 0, zzz: 1 }, order), [
    { label: 'opinion', count: 1 }, { label: 'loaded_language', count: 2 }, { label: 'zzz', count: 1 },
  ]);
  assert.deepEqual(labelSummary(undefined, order), []);
});

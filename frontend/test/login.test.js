// safeNext follows ?next= only to this site, as the browser's URL parser reads the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeNext } from '../static/js/safenext.js';

const origin = 'https://credence.example';

test('safeNext refuses values that lead to another site', () => {
  for (const next of ['/\t/evil.example/x', '/\n/evil.example/x', '/\r\n/evil.example/x', '//evil.example', '/\\evil.example',
    '\\\\evil.example', 'https://evil.example/', 'javascript:alert(1)', ' //evil.example', 'http://credence.example/x', '']) {
    assert.equal(safeNext(next, '/home', origin), '/home', JSON.stringify(next));
  }
});

test('safeNext keeps a path of this site with its query and fragment', () => {
  assert.equal(safeNext('/articles/3?x=1#h', '/home', origin), '/articles/3?x=1#h');
  assert.equal(safeNext('/admin', '/home', origin), '/admin');
});

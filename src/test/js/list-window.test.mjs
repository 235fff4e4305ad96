// Which rows of a long delivery list are in the page: those in view and a margin either side, never past the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OVERSCAN_ROWS, rowsAround, rowsInView } from '../../../webroot/list-window.js';

const ROW = 100;
const SCREEN = 900;

test('a list at the top of the screen holds the rows in view and the margin below', () => {
  assert.deepEqual(rowsInView({ listTop: 0, viewportHeight: SCREEN, rowHeight: ROW, count: 1000 }),
    { first: 0, end: 9 + OVERSCAN_ROWS });
});

test('scrolled into the middle, the rows in view and the margin on both sides', () => {
  // Row 500 at the top of the screen: rows 500 to 508 in view.
  assert.deepEqual(rowsInView({ listTop: -500 * ROW, viewportHeight: SCREEN, rowHeight: ROW, count: 1000 }),
    { first: 500 - OVERSCAN_ROWS, end: 509 + OVERSCAN_ROWS });
});

test('a short list holds every row, and a list far below the fold none', () => {
  assert.deepEqual(rowsInView({ listTop: 300, viewportHeight: SCREEN, rowHeight: ROW, count: 3 }), { first: 0, end: 3 });
  assert.deepEqual(rowsInView({ listTop: 100_000, viewportHeight: SCREEN, rowHeight: ROW, count: 50 }), { first: 0, end: 0 });
  assert.deepEqual(rowsInView({ listTop: 0, viewportHeight: SCREEN, rowHeight: ROW, count: 0 }), { first: 0, end: 0 });
});

test('scrolled past the end of a list, it holds none of it', () => {
  const { first, end } = rowsInView({ listTop: -100_000, viewportHeight: SCREEN, rowHeight: ROW, count: 50 });
  assert.equal(end - first, 0);
});

test('a row to be revealed is held with a screen and the margin around it, within the list', () => {
  const half = Math.ceil(SCREEN / ROW / 2) + OVERSCAN_ROWS;
  assert.deepEqual(rowsAround({ index: 700, viewportHeight: SCREEN, rowHeight: ROW, count: 1000 }),
    { first: 700 - half, end: 701 + half });
  assert.deepEqual(rowsAround({ index: 2, viewportHeight: SCREEN, rowHeight: ROW, count: 1000 }), { first: 0, end: 3 + half });
  assert.deepEqual(rowsAround({ index: 999, viewportHeight: SCREEN, rowHeight: ROW, count: 1000 }), { first: 999 - half, end: 1000 });
});

import { describe, expect, it } from 'vitest';
import { parseContentRange, parseRangeHeader } from './range-header.js';

describe('parseRangeHeader', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-5', 100, { start: 95, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=50-500', 100, { start: 50, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=5-4', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-1,5-6', 100, undefined],
    ['items=0-1', 100, undefined],
    [undefined, 100, undefined],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRangeHeader(header, size)).toEqual(expected);
  });
});

describe('parseContentRange', () => {
  it.each([
    ['0-99', { start: 0, end: 99 }],
    ['bytes 10-19', { start: 10, end: 19 }],
    ['bytes=10-19', { start: 10, end: 19 }],
    ['10-19/100', { start: 10, end: 19 }],
    ['19-10', 'malformed'],
    ['abc', 'malformed'],
    [undefined, undefined],
  ] as const)('%s', (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { highlightParts } from './highlight';

describe('highlightParts', () => {
  it('splits a snippet into plain and matching parts', () => {
    expect(highlightParts('Plan the \u0002Lisbon\u0003 trip, \u0002lisbon\u0003')).toEqual([
      { text: 'Plan the ', match: false },
      { text: 'Lisbon', match: true },
      { text: ' trip, ', match: false },
      { text: 'lisbon', match: true },
    ]);
  });

  it('keeps markup in a snippet as text', () => {
    expect(highlightParts('<img src=x onerror=alert(1)> \u0002word\u0003')).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: 'word', match: true },
    ]);
  });

  it('gives a snippet without matches back whole', () => {
    expect(highlightParts('Trip to Lisbon')).toEqual([{ text: 'Trip to Lisbon', match: false }]);
    expect(highlightParts('')).toEqual([]);
  });
});

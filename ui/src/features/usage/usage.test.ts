import { describe, expect, it } from 'vitest';
import type { Prices } from '../../lib/api';
import { marked } from './usage.svelte';

const stored: Prices = {
  compareWith: 'A',
  list: [
    { model: 'A', input: 1, output: 2, source: 'a.example/pricing', taken: '2025-10' },
    { model: 'B', input: 3, output: 4, source: 'b.example/pricing', taken: '2025-10' },
  ],
};

describe('edited prices', () => {
  it('are marked as the person’s own, the others keep their source', () => {
    const draft: Prices = structuredClone(stored);
    draft.list[1].output = 5;
    draft.list.push({ model: 'C', input: 0, output: 0, source: 'you', taken: '' });
    draft.compareWith = 'B';
    const out = marked(draft, stored);
    expect(out.compareWith).toBe('B');
    expect(out.list[0]).toEqual(stored.list[0]);
    expect(out.list[1].source).toBe('you');
    expect(out.list[1].taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(out.list[2].source).toBe('you');
  });
});

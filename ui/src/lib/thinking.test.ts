import { describe, expect, it } from 'vitest';
import { splitThinking } from './thinking';

describe('splitThinking', () => {
  it('folds the reasoning out of the answer', () => {
    expect(splitThinking('<think>\nThe user greets me.\n</think>\n\nHello!')).toEqual({
      thinking: 'The user greets me.',
      answer: 'Hello!',
    });
  });

  it('keeps a reply still thinking as reasoning only, and plain text as it is', () => {
    expect(splitThinking('<think>Let me see')).toEqual({ thinking: 'Let me see', answer: '' });
    expect(splitThinking('  Plain reply\n')).toEqual({ thinking: null, answer: '  Plain reply\n' });
  });
});

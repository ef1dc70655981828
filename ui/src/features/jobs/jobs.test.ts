import { describe, expect, it, vi } from 'vitest';

vi.mock('../../lib/api', () => ({
  languages: vi.fn().mockResolvedValue([]),
  detectLanguage: vi.fn(),
}));

const { JobOptions, progressText } = await import('./jobs.svelte');

describe('JobOptions', () => {
  it('builds each job from its options', () => {
    const options = new JobOptions();
    expect(options.job()).toBeNull();
    options.kind = 'summarize';
    options.style = 'bullets';
    expect(options.job()).toEqual({ kind: 'summarize', style: 'bullets', language: null });
    options.kind = 'classify';
    options.labels = ' bug, feature ,, question';
    expect(options.job()).toEqual({ kind: 'classify', labels: ['bug', 'feature', 'question'] });
  });

  it('remembers the translation target', () => {
    new JobOptions().setTarget('de');
    const next = new JobOptions();
    next.kind = 'translate';
    expect(next.job()).toEqual({ kind: 'translate', to: 'de', from: null });
  });

  it('describes progress', () => {
    expect(progressText({ stage: 'reading', step: 2, steps: 5 })).toBe('Reading part 2 of 5…');
    expect(progressText({ stage: 'writing', step: 1, steps: 1 })).toBe('Writing…');
  });
});

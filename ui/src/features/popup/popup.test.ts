import { describe, expect, it } from 'vitest';
import { PopupState } from './popup.svelte';

describe('PopupState', () => {
  it('shows the notes of a long selection until the summary begins, then the summary', () => {
    const popup = new PopupState();
    popup.receive({ run: 1, event: { kind: 'started', action: { kind: 'summarize', style: 'sentence' }, target: null } });
    popup.receive({ run: 1, event: { kind: 'job', event: { kind: 'note', text: 'The team met' } } });
    popup.receive({ run: 1, event: { kind: 'job', event: { kind: 'note', text: ' on Monday.\n\n' } } });
    expect(popup.notes.trim()).toBe('The team met on Monday.');
    expect(popup.text).toBe('');
    popup.receive({ run: 1, event: { kind: 'job', event: { kind: 'token', text: 'A meeting.' } } });
    expect(popup.text).toBe('A meeting.');
    // A new run starts clean.
    popup.receive({ run: 2, event: { kind: 'started', action: { kind: 'translate' }, target: 'French' } });
    expect(popup.notes).toBe('');
  });
});

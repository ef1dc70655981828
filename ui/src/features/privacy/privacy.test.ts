import { describe, expect, it } from 'vitest';
import { fireEvent, render } from '@testing-library/svelte';
import NewPassphrase from './NewPassphrase.svelte';
import { passphraseProblem } from './privacy.svelte';

describe('choosing a passphrase', () => {
  it('needs one, typed the same twice', () => {
    expect(passphraseProblem('', '')).toBe('Type a passphrase.');
    expect(passphraseProblem('correct horse', 'correct hrose')).toBe('The two passphrases differ.');
    expect(passphraseProblem('correct horse', 'correct horse')).toBeNull();
  });

  it('hands on only a passphrase typed the same twice', async () => {
    const chosen: string[] = [];
    const view = render(NewPassphrase, { action: 'Protect', busy: false, onChoose: (p: string) => chosen.push(p) });
    await fireEvent.input(view.getByTestId('new-passphrase'), { target: { value: 'correct horse' } });
    await fireEvent.input(view.getByTestId('new-passphrase-again'), { target: { value: 'wrong horse' } });
    await fireEvent.click(view.getByTestId('new-passphrase-submit'));
    expect(view.getByRole('alert').textContent).toBe('The two passphrases differ.');
    expect(chosen).toEqual([]);
    await fireEvent.input(view.getByTestId('new-passphrase-again'), { target: { value: 'correct horse' } });
    await fireEvent.click(view.getByTestId('new-passphrase-submit'));
    expect(chosen).toEqual(['correct horse']);
  });
});

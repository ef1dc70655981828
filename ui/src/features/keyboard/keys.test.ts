import { describe, expect, it } from 'vitest';
import { commandFor } from './keys';

function press(key: string, init: KeyboardEventInit = {}, target?: HTMLElement): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, ...init });
  if (target) Object.defineProperty(event, 'target', { value: target });
  return event;
}

describe('commandFor', () => {
  it('maps the shortcuts', () => {
    expect(commandFor(press('n', { ctrlKey: true }))).toBe('newChat');
    expect(commandFor(press('K', { ctrlKey: true }))).toBe('search');
    expect(commandFor(press('f', { metaKey: true }))).toBe('search');
    expect(commandFor(press('/', { ctrlKey: true }))).toBe('help');
    expect(commandFor(press('Escape'))).toBe('stop');
    expect(commandFor(press('?'))).toBe('help');
  });

  it('leaves other keys and "?" typed into a field alone', () => {
    expect(commandFor(press('n'))).toBeNull();
    expect(commandFor(press('n', { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(commandFor(press('?', {}, document.createElement('textarea')))).toBeNull();
  });
});

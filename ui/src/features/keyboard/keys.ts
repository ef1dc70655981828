// The window's keyboard shortcuts: one table, read both by the key handler and by the help
// overlay, so what the overlay lists is what the keys do.

export type Command = 'newChat' | 'search' | 'stop' | 'help';

export interface Shortcut {
  keys: string;
  does: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl+N', does: 'New chat' },
  { keys: 'Ctrl+K or Ctrl+F', does: 'Search conversations' },
  { keys: 'Esc', does: 'Stop the reply; close this help or the search' },
  { keys: 'Enter', does: 'Send (Shift+Enter for a new line)' },
  { keys: 'Up', does: 'Edit your last message (in an empty message box)' },
  { keys: 'Ctrl+/ or ?', does: 'Show these shortcuts' },
];

/** Whether the key goes into a text field (where "?" is just a character). */
function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return (
    element !== null &&
    (element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.isContentEditable === true)
  );
}

/** The command a key press asks for, if any. */
export function commandFor(event: KeyboardEvent): Command | null {
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (ctrl && !event.shiftKey && !event.altKey) {
    if (key === 'n') return 'newChat';
    if (key === 'k' || key === 'f') return 'search';
    if (key === '/') return 'help';
  }
  if (event.key === 'Escape') return 'stop';
  if (event.key === '?' && !ctrl && !typing(event.target)) return 'help';
  return null;
}

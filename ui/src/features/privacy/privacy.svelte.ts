// The history's lock: whether it is open and where its key is kept, and the actions that open
// it, start a new one, or move its key. Only it calls the API for these.
import * as api from '../../lib/api';

/** Why two typed passphrases cannot be used, or null when they can. */
export function passphraseProblem(first: string, again: string): string | null {
  if (first.length === 0) return 'Type a passphrase.';
  if (first !== again) return 'The two passphrases differ.';
  return null;
}

export class HistoryLock {
  view = $state<api.HistoryState | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  busy = $state(false);

  async init(): Promise<void> {
    // Locked while the app runs (its file replaced under it): the unlock screen shows.
    await api.onHistoryState((view) => (this.view = view));
    await this.run(() => api.historyState());
  }

  /** With a passphrase, or the keyring again when `null`. */
  async unlock(passphrase: string | null): Promise<void> {
    await this.run(() => api.unlockHistory(passphrase));
  }

  /** Keeps the history that cannot be opened aside and starts a new one. */
  async startNew(passphrase: string | null): Promise<void> {
    await this.run(() => api.startNewHistory(passphrase));
  }

  /** A new passphrase, or back to the keyring when `null`; the history is re-encrypted. */
  async changeKey(passphrase: string | null): Promise<void> {
    if (await this.run(() => api.changeHistoryKey(passphrase))) {
      this.notice =
        passphrase === null
          ? 'The key is now kept in the system keyring.'
          : 'The history is now protected by your new passphrase.';
    }
  }

  private async run(action: () => Promise<api.HistoryState>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      this.view = await action();
      return true;
    } catch (e) {
      this.error = api.errorText(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

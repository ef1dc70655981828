// The settings screen's state: the stored settings, the draft being edited, and what saving
// said. Only it calls the API.
import * as api from '../../lib/api';

export class SettingsState {
  saved = $state<api.Settings | null>(null);
  draft = $state<api.Settings | null>(null);
  /** Why the popup's shortcut does not work, when it does not. */
  shortcutProblem = $state<string | null>(null);
  languages = $state<api.Language[]>([]);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  saving = $state(false);

  async init(): Promise<void> {
    try {
      this.show(await api.getSettings());
      this.languages = await api.languages();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  /** Back to the stored settings, dropping unsaved edits. */
  reset(): void {
    this.draft = this.saved ? { ...this.saved } : null;
    this.error = null;
    this.notice = null;
  }

  async save(): Promise<void> {
    if (this.draft === null || this.saving) return;
    this.saving = true;
    this.error = null;
    this.notice = null;
    try {
      this.show(await api.saveSettings({ ...this.draft }));
      this.notice = 'Saved.';
    } catch (e) {
      this.error = api.errorText(e);
    } finally {
      this.saving = false;
    }
  }

  private show(view: api.SettingsView): void {
    this.saved = view.settings;
    this.draft = { ...view.settings };
    this.shortcutProblem = view.shortcutProblem;
  }
}

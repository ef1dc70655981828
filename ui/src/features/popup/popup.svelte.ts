// The popup's state: the run it shows (a newer run replaces it), the text streaming in, and the
// actions on it. Only it calls the API.
import * as api from '../../lib/api';
import { progressText } from '../jobs/jobs.svelte';

export class PopupState {
  /** The run shown; messages of older runs are ignored. */
  private run = 0;
  action = $state<api.PopupAction | null>(null);
  /** The language a translation goes into. */
  target = $state<string | null>(null);
  text = $state('');
  progress = $state<string | null>(null);
  /** Notes on the parts of a long selection, shown until the summary begins. */
  notes = $state('');
  running = $state(false);
  stopped = $state(false);
  error = $state<string | null>(null);
  copied = $state(false);

  receive({ run, event }: api.PopupMessage): void {
    if (run < this.run) return;
    this.run = run;
    switch (event.kind) {
      case 'started':
        this.clear();
        this.action = event.action;
        this.target = event.target;
        this.running = true;
        break;
      case 'closed':
        this.clear();
        this.action = null;
        this.target = null;
        break;
      case 'job':
        if (event.event.kind === 'token') {
          this.text += event.event.text;
          this.progress = null;
        } else if (event.event.kind === 'progress') {
          this.progress = progressText(event.event);
        } else if (event.event.kind === 'note') {
          this.notes += event.event.text;
        }
        break;
      case 'done':
        this.text = event.completion.text;
        this.stopped = event.completion.stopped;
        this.running = false;
        this.progress = null;
        break;
      case 'failed':
        this.error = event.message;
        this.running = false;
        this.progress = null;
        break;
    }
  }

  private clear(): void {
    this.text = '';
    this.notes = '';
    this.progress = null;
    this.error = null;
    this.stopped = false;
    this.copied = false;
    this.running = false;
  }

  get title(): string {
    if (this.action?.kind === 'translate') return `Translation into ${this.target ?? '…'}`;
    return 'Summary';
  }

  get style(): api.PopupStyle | null {
    return this.action?.kind === 'summarize' ? this.action.style : null;
  }

  summarize(style: api.PopupStyle): Promise<void> {
    return this.call(() => api.popupRun({ kind: 'summarize', style }));
  }

  translate(): Promise<void> {
    return this.call(() => api.popupRun({ kind: 'translate' }));
  }

  async copy(): Promise<void> {
    await this.call(() => api.copyText(this.text));
    if (this.error === null) this.copied = true;
  }

  close(): Promise<void> {
    return this.call(() => api.popupClose());
  }

  openInHearth(): Promise<void> {
    return this.call(() => api.popupOpenInHearth());
  }

  private async call(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }
}

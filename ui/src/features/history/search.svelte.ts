import * as api from '../../lib/api';

/** How long typing must pause before the history is searched. */
const PAUSE_MS = 120;

/** The sidebar's search over every conversation: results follow the typing. */
export class HistorySearch {
  words = $state('');
  hits = $state<api.SearchHit[]>([]);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Answers to older words are dropped when they arrive after newer ones. */
  private asked = 0;

  get active(): boolean {
    return this.words.trim() !== '';
  }

  type(words: string): void {
    this.words = words;
    if (this.timer !== null) clearTimeout(this.timer);
    if (!this.active) {
      this.hits = [];
      this.error = null;
      return;
    }
    this.timer = setTimeout(() => void this.run(), PAUSE_MS);
  }

  clear(): void {
    this.type('');
  }

  private async run(): Promise<void> {
    const asked = ++this.asked;
    try {
      const hits = await api.searchHistory(this.words);
      if (asked === this.asked) {
        this.hits = hits;
        this.error = null;
      }
    } catch (e) {
      if (asked === this.asked) this.error = api.errorText(e);
    }
  }
}

// The job switcher's state: which job runs on the composer's text, with its options. The
// translation target is remembered between runs; the input's language is detected as it is
// typed or pasted.
import * as api from '../../lib/api';

export type JobKind = 'chat' | api.Job['kind'];

export const JOB_KINDS: { kind: JobKind; label: string }[] = [
  { kind: 'chat', label: 'Chat' },
  { kind: 'summarize', label: 'Summarize' },
  { kind: 'translate', label: 'Translate' },
  { kind: 'rewrite', label: 'Rewrite' },
  { kind: 'classify', label: 'Classify' },
  { kind: 'extract', label: 'Extract' },
];

export const SUMMARY_STYLES: { value: api.SummaryStyle; label: string }[] = [
  { value: 'sentence', label: 'One sentence' },
  { value: 'paragraph', label: 'Short paragraph' },
  { value: 'bullets', label: 'Key points' },
  { value: 'actions', label: 'Action items' },
];

export const REWRITE_MODES: { value: api.RewriteMode; label: string }[] = [
  { value: 'grammar', label: 'Fix grammar' },
  { value: 'shorter', label: 'Make shorter' },
  { value: 'formal', label: 'Formal tone' },
  { value: 'friendly', label: 'Friendly tone' },
];

const STAGES: Record<api.Stage, string> = {
  splitting: 'Splitting the text',
  reading: 'Reading part',
  combining: 'Combining notes',
  writing: 'Writing',
  translating: 'Translating part',
  rewriting: 'Rewriting part',
  classifying: 'Classifying part',
  extracting: 'Extracting from part',
};

export function progressText(p: api.Progress): string {
  const stage = STAGES[p.stage];
  return p.steps > 1 ? `${stage} ${p.step} of ${p.steps}…` : `${stage}…`;
}

const TARGET_KEY = 'hearth.translate.to';

function remembered(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}

export class JobOptions {
  kind = $state<JobKind>('chat');
  style = $state<api.SummaryStyle>('paragraph');
  /** The summary's language; '' means the input's own. */
  summaryLanguage = $state('');
  to = $state(remembered(TARGET_KEY, 'fr'));
  /** The input's language; '' means as detected. */
  from = $state('');
  mode = $state<api.RewriteMode>('grammar');
  /** Comma-separated; empty means sentiment. */
  labels = $state('');
  languages = $state<api.Language[]>([]);
  detected = $state<api.Detection | null>(null);
  private detectTimer: ReturnType<typeof setTimeout> | undefined;

  async init(): Promise<void> {
    try {
      this.languages = await api.languages();
    } catch {
      this.languages = [];
    }
  }

  setTarget(code: string): void {
    this.to = code;
    try {
      localStorage.setItem(TARGET_KEY, code);
    } catch {
      // Private mode or full storage: the choice lasts for this session only.
    }
  }

  /** Detects the language of `text` once typing pauses. */
  textChanged(text: string): void {
    clearTimeout(this.detectTimer);
    if (text.trim() === '') {
      this.detected = null;
      return;
    }
    this.detectTimer = setTimeout(() => {
      api.detectLanguage(text).then(
        (d) => (this.detected = d),
        () => (this.detected = null),
      );
    }, 300);
  }

  /** The job to run, or null for a chat message. */
  job(): api.Job | null {
    switch (this.kind) {
      case 'chat':
        return null;
      case 'summarize':
        return { kind: 'summarize', style: this.style, language: this.summaryLanguage || null };
      case 'translate':
        return { kind: 'translate', to: this.to, from: this.from || null };
      case 'rewrite':
        return { kind: 'rewrite', mode: this.mode };
      case 'classify':
        return {
          kind: 'classify',
          labels: this.labels
            .split(',')
            .map((l) => l.trim())
            .filter((l) => l !== ''),
        };
      case 'extract':
        return { kind: 'extract' };
    }
  }
}

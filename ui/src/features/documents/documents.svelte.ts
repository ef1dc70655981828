// The documents panel's state: the kept documents, files being read (with progress), what
// went wrong with the last files added, and the document open for reading.
import * as api from '../../lib/api';

/** "PDF · 3 pages · 37 KB". */
export function describe(doc: api.DocumentInfo): string {
  const parts = [KIND_LABELS[doc.kind]];
  if (doc.pages !== null) parts.push(doc.pages === 1 ? '1 page' : `${doc.pages} pages`);
  parts.push(size(doc.size));
  return parts.join(' · ');
}

const KIND_LABELS: Record<api.DocumentKind, string> = {
  text: 'Text',
  markdown: 'Markdown',
  html: 'HTML',
  pdf: 'PDF',
  docx: 'DOCX',
  odt: 'ODT',
  csv: 'CSV',
  code: 'Code',
};

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "Reading report.pdf (2 of 5), page 3 of 100…". */
export function readingText(r: api.Reading): string {
  const of = r.total > 1 ? ` (${r.index} of ${r.total})` : '';
  const page = r.page !== null && r.pages !== null ? `, page ${r.page} of ${r.pages}` : '';
  return `Reading ${r.name}${of}${page}…`;
}

/** "Added 2 documents; 1 was already there." */
export function addedText(outcomes: api.Outcome[]): string | null {
  const added = outcomes.filter((o) => o.kind === 'added');
  if (added.length === 0) return null;
  const known = added.filter((o) => o.alreadyThere).length;
  const what = added.length === 1 ? `Added ${added[0].document.name}` : `Added ${added.length} documents`;
  if (known === 0) return `${what}.`;
  return `${what}; ${known === 1 ? '1 was' : `${known} were`} already there.`;
}

export class DocumentsState {
  list = $state<api.DocumentInfo[]>([]);
  reading = $state<api.Reading | null>(null);
  /** What happened to the last files added, and why some were not. */
  notice = $state<string | null>(null);
  problems = $state<string[]>([]);
  /** The document open for reading. */
  open = $state<{ info: api.DocumentInfo; text: string } | null>(null);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    try {
      this.list = await api.listDocuments();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  /** Adds dropped files; resolves with the documents that are now there. */
  add(paths: string[]): Promise<api.DocumentInfo[]> {
    return this.adding((onReading) => api.addDocuments(paths, onReading));
  }

  /** Adds the files picked in the open dialog. */
  pick(): Promise<api.DocumentInfo[]> {
    return this.adding((onReading) => api.pickDocuments(onReading));
  }

  private async adding(
    run: (onReading: (r: api.Reading) => void) => Promise<api.Outcome[]>,
  ): Promise<api.DocumentInfo[]> {
    if (this.reading !== null) return [];
    this.error = null;
    this.notice = null;
    this.problems = [];
    this.reading = { name: 'files', index: 0, total: 0, page: null, pages: null };
    try {
      const outcomes = await run((r) => (this.reading = r));
      this.notice = addedText(outcomes);
      this.problems = outcomes.flatMap((o) => (o.kind === 'failed' ? [o.message] : []));
      return outcomes.flatMap((o) => (o.kind === 'added' ? [o.document] : []));
    } catch (e) {
      this.problems = [api.errorText(e)];
      return [];
    } finally {
      this.reading = null;
      await this.refresh();
    }
  }

  async read(info: api.DocumentInfo): Promise<void> {
    try {
      this.open = { info, text: await api.documentText(info.id) };
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  async remove(info: api.DocumentInfo): Promise<void> {
    try {
      await api.deleteDocument(info.id);
      if (this.open?.info.id === info.id) this.open = null;
    } catch (e) {
      this.error = api.errorText(e);
    }
    await this.refresh();
  }
}

import { describe as group, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import type { DocumentInfo, Passage } from '../../lib/api';
import Sources from '../chat/Sources.svelte';
import { addedText, describe, readingText } from './documents.svelte';

const pdf: DocumentInfo = {
  id: 1,
  name: 'report.pdf',
  hash: 'ab',
  size: 37651,
  kind: 'pdf',
  pages: 3,
  chars: 4000,
  addedAt: 0,
};

group('documents panel text', () => {
  it('describes a document', () => {
    expect(describe(pdf)).toBe('PDF · 3 pages · 37 KB');
    expect(describe({ ...pdf, kind: 'docx', pages: null, size: 3 * 1024 * 1024 })).toBe('DOCX · 3.0 MB');
  });

  it('says where reading is', () => {
    expect(readingText({ name: 'a.pdf', index: 2, total: 5, page: 3, pages: 100 })).toBe(
      'Reading a.pdf (2 of 5), page 3 of 100…',
    );
    expect(readingText({ name: 'a.txt', index: 1, total: 1, page: null, pages: null })).toBe('Reading a.txt…');
  });

  it('counts what was added', () => {
    const added = { kind: 'added' as const, document: pdf, alreadyThere: false };
    expect(addedText([added])).toBe('Added report.pdf.');
    expect(addedText([added, { ...added, alreadyThere: true }])).toBe('Added 2 documents; 1 was already there.');
    expect(addedText([{ kind: 'failed', name: 'x', message: 'bad' }])).toBeNull();
  });
});

group('sources', () => {
  it('shows a passage as text, never as markup', async () => {
    const passage: Passage = {
      chunkId: 7,
      documentId: 1,
      documentName: 'report.pdf',
      page: 2,
      text: '<img src=x onerror="window.hacked=1">Fees',
    };
    const { getByTestId, container } = render(Sources, { sources: [passage] });
    const button = getByTestId('source');
    expect(button.textContent).toBe('[1] report.pdf, page 2');
    button.click();
    await Promise.resolve();
    expect(getByTestId('passage').textContent).toBe(passage.text);
    expect(container.querySelector('img')).toBeNull();
  });
});

import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { Conversation, SearchHit } from '../../lib/api';
import Sidebar from './Sidebar.svelte';

const hit: SearchHit = {
  conversationId: 1,
  title: 'First',
  messageId: 7,
  role: 'user',
  snippet: 'Plan the <b>\u0002Lisbon\u0003</b> trip',
  createdAt: 1,
};

vi.mock('../../lib/api', async (original) => ({
  ...(await original<typeof import('../../lib/api')>()),
  searchHistory: vi.fn(async (words: string) => (words.startsWith('lis') ? [hit] : [])),
}));

const chat = (id: number, title: string): Conversation => ({
  id, title, model: 'm', createdAt: id, updatedAt: id, job: null, shownId: null, personaId: null, instructions: null,
});
const conversations = [chat(2, 'Second'), chat(1, 'First')];

describe('Sidebar', () => {
  it('lists conversations and opens one on click', async () => {
    const onSelect = vi.fn();
    const { getAllByTestId, getByText } = render(Sidebar, {
      conversations, currentId: 2, onSelect, onNew: vi.fn(), onRename: vi.fn(), onDelete: vi.fn(), onOpenHit: vi.fn(),
    });
    expect(getAllByTestId('conversation')).toHaveLength(2);
    await fireEvent.click(getByText('First'));
    expect(onSelect).toHaveBeenCalledWith(1);
  });

  it('renames through the inline field', async () => {
    const onRename = vi.fn();
    const { getAllByTestId, getByTestId } = render(Sidebar, {
      conversations, currentId: null, onSelect: vi.fn(), onNew: vi.fn(), onRename, onDelete: vi.fn(), onOpenHit: vi.fn(),
    });
    await fireEvent.click(getAllByTestId('rename')[0]);
    const input = getByTestId('rename-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'Renamed' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(onRename).toHaveBeenCalledWith(2, 'Renamed');
  });
});

describe('Sidebar deletion', () => {
  it('asks first, and Keep keeps the conversation', async () => {
    const onDelete = vi.fn();
    const { getAllByTestId, getByTestId } = render(Sidebar, {
      conversations, currentId: null, onSelect: vi.fn(), onNew: vi.fn(), onRename: vi.fn(), onDelete, onOpenHit: vi.fn(),
    });
    await fireEvent.click(getAllByTestId('delete')[1]);
    await fireEvent.click(getByTestId('cancel-delete'));
    expect(onDelete).not.toHaveBeenCalled();
    await fireEvent.click(getAllByTestId('delete')[1]);
    await fireEvent.click(getByTestId('confirm-delete'));
    expect(onDelete).toHaveBeenCalledWith(1);
  });

  it('searches as one types, marks the words, and opens a hit', async () => {
    const onOpenHit = vi.fn();
    const { getByTestId, findAllByTestId, container } = render(Sidebar, {
      conversations, currentId: null, onSelect: vi.fn(), onNew: vi.fn(), onRename: vi.fn(),
      onDelete: vi.fn(), onOpenHit,
    });
    await fireEvent.input(getByTestId('search'), { target: { value: 'lis' } });
    const results = await findAllByTestId('search-result');
    expect(results).toHaveLength(1);
    expect(container.querySelector('mark')?.textContent).toBe('Lisbon');
    // Markup in a snippet stays text.
    expect(container.querySelector('.snippet b')).toBeNull();
    await fireEvent.click(results[0]);
    expect(onOpenHit).toHaveBeenCalledWith(hit);

    await fireEvent.input(getByTestId('search'), { target: { value: 'moon' } });
    await waitFor(() => expect(getByTestId('no-results').textContent).toBe('Nothing found.'));
    await fireEvent.keyDown(getByTestId('search'), { key: 'Escape' });
    expect(container.querySelectorAll('[data-testid="conversation"]')).toHaveLength(2);
  });
});

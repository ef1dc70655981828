import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Sidebar from './Sidebar.svelte';

const conversations = [
  { id: 2, title: 'Second', model: 'm', createdAt: 2, updatedAt: 2, job: null },
  { id: 1, title: 'First', model: 'm', createdAt: 1, updatedAt: 1, job: null },
];

describe('Sidebar', () => {
  it('lists conversations and opens one on click', async () => {
    const onSelect = vi.fn();
    const { getAllByTestId, getByText } = render(Sidebar, {
      conversations, currentId: 2, onSelect, onNew: vi.fn(), onRename: vi.fn(), onDelete: vi.fn(),
    });
    expect(getAllByTestId('conversation')).toHaveLength(2);
    await fireEvent.click(getByText('First'));
    expect(onSelect).toHaveBeenCalledWith(1);
  });

  it('renames through the inline field', async () => {
    const onRename = vi.fn();
    const { getAllByTestId, getByTestId } = render(Sidebar, {
      conversations, currentId: null, onSelect: vi.fn(), onNew: vi.fn(), onRename, onDelete: vi.fn(),
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
      conversations, currentId: null, onSelect: vi.fn(), onNew: vi.fn(), onRename: vi.fn(), onDelete,
    });
    await fireEvent.click(getAllByTestId('delete')[1]);
    await fireEvent.click(getByTestId('cancel-delete'));
    expect(onDelete).not.toHaveBeenCalled();
    await fireEvent.click(getAllByTestId('delete')[1]);
    await fireEvent.click(getByTestId('confirm-delete'));
    expect(onDelete).toHaveBeenCalledWith(1);
  });
});

import { render } from '@testing-library/svelte';
import { fireEvent } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import MessageView from './MessageView.svelte';

describe('MessageView', () => {
  it('renders a reply as sanitized markdown', () => {
    const { container } = render(MessageView, {
      role: 'assistant',
      content: '**hi** <img src=x onerror="window.pwned=1"><script>window.pwned=1</script>',
    });
    expect(container.querySelector('strong')?.textContent).toBe('hi');
    expect(container.querySelector('img, script')).toBeNull();
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('shows a user message as plain text and marks stopped replies', () => {
    const { container, getByTestId } = render(MessageView, {
      role: 'user',
      content: '<b>not bold</b>',
      stopped: true,
    });
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toContain('<b>not bold</b>');
    expect(getByTestId('stopped')).toBeTruthy();
  });

  it('shows a JSON result as a table of text, never as markup', () => {
    const { getByTestId, container } = render(MessageView, {
      role: 'assistant',
      content: '{"label":"positive","confidence":87,"people":["<img src=x onerror=alert(1)>"]}',
      table: true,
    });
    const table = getByTestId('result-table');
    expect(table.textContent).toContain('positive');
    expect(table.textContent).toContain('87%');
    expect(container.querySelector('img')).toBeNull();
  });

  it('copies a reply with one click', async () => {
    const onCopy = vi.fn().mockResolvedValue(true);
    const { getByTestId } = render(MessageView, { role: 'assistant', content: 'summary', onCopy });
    await fireEvent.click(getByTestId('copy'));
    expect(onCopy).toHaveBeenCalledWith('summary');
    await vi.waitFor(() => expect(getByTestId('copy').textContent).toContain('Copied'));
  });

  it('moves between versions and edits a question in place', async () => {
    const onVersion = vi.fn();
    const onEdited = vi.fn();
    const onCancelEdit = vi.fn();
    const { getByTestId, queryByTestId } = render(MessageView, {
      id: 5,
      role: 'user',
      content: 'Old question',
      versions: [3, 5, 9],
      editing: true,
      onVersion,
      onEdit: vi.fn(),
      onEdited,
      onCancelEdit,
    });
    expect(getByTestId('version').textContent).toBe('2/3');
    await fireEvent.click(getByTestId('previous-version'));
    await fireEvent.click(getByTestId('next-version'));
    expect(onVersion.mock.calls).toEqual([[3], [9]]);

    const box = getByTestId('edit-box') as HTMLTextAreaElement;
    expect(box.value).toBe('Old question');
    expect(queryByTestId('edit')).toBeNull();
    await fireEvent.input(box, { target: { value: 'New question' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onEdited).toHaveBeenCalledWith('New question');
    await fireEvent.keyDown(box, { key: 'Escape' });
    expect(onCancelEdit).toHaveBeenCalled();
  });

  it('offers regenerate on a reply, and no arrows for a single version', async () => {
    const onRegenerate = vi.fn();
    const { getByTestId, queryByTestId } = render(MessageView, {
      id: 4,
      role: 'assistant',
      content: 'A reply',
      versions: [4],
      onRegenerate,
    });
    expect(queryByTestId('version')).toBeNull();
    await fireEvent.click(getByTestId('regenerate'));
    expect(onRegenerate).toHaveBeenCalled();
  });
});

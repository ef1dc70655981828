import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
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
});

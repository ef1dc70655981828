import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

function parse(html: string): HTMLElement {
  const host = document.createElement('div');
  host.innerHTML = html;
  return host;
}

function hasEventHandler(root: HTMLElement): boolean {
  return [...root.querySelectorAll('*')].some((el) =>
    [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on')),
  );
}

describe('renderMarkdown', () => {
  it('renders markdown with highlighted code blocks', () => {
    const root = parse(renderMarkdown('# Title\n\n**bold**\n\n```rust\nfn main() {}\n```'));
    expect(root.querySelector('h1')?.textContent).toBe('Title');
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelector('pre code.hljs')?.textContent).toBe('fn main() {}\n');
  });

  it('drops images with error handlers', () => {
    const root = parse(renderMarkdown('hi <img src=x onerror="alert(1)"> there'));
    expect(root.querySelector('img')).toBeNull();
    expect(hasEventHandler(root)).toBe(false);
    expect(root.textContent).toContain('hi');
  });

  it('drops script elements, raw and inside html blocks', () => {
    for (const src of ['<script>alert(1)</script>', '<div>\n<script>alert(1)</script>\n</div>']) {
      const root = parse(renderMarkdown(src));
      expect(root.querySelector('script')).toBeNull();
    }
  });

  it('neutralises javascript: links, markdown and html', () => {
    for (const src of ['[click](javascript:alert(1))', '<a href="javascript:alert(1)">x</a>',
      '<a href="JaVaScRiPt:alert(1)">x</a>']) {
      const root = parse(renderMarkdown(src));
      for (const a of root.querySelectorAll('a')) {
        expect(a.getAttribute('href') ?? '').not.toMatch(/javascript:/i);
      }
    }
  });

  it('strips inline event handlers and styles from allowed tags', () => {
    const root = parse(renderMarkdown('<p onclick="alert(1)" onmouseover="x()" style="position:fixed">t</p>'));
    expect(hasEventHandler(root)).toBe(false);
    expect(root.querySelector('[style]')).toBeNull();
    expect(root.querySelector('p')?.textContent).toBe('t');
  });

  it('does not load remote resources', () => {
    const root = parse(renderMarkdown('![x](https://example.com/t.png) <iframe src="https://e.com"></iframe>'));
    expect(root.querySelector('img, iframe')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { renderMarkdown, splitBlocks } from './markdown';

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

describe('renderMarkdown on hostile or huge input', () => {
  const deeper = Array.from({ length: 1500 }, (_, k) => '  '.repeat(k) + '- a').join('\n');
  const hostile: [string, string][] = [
    ['2,000 nested quotes', '>'.repeat(2000)],
    ['50,000 nested quotes', '>'.repeat(50_000)],
    ['1,500 nested lists', '- '.repeat(1500) + 'a'],
    ['1,500 numbered lists', '1. '.repeat(1500) + 'a'],
    ['1,500 lines indented ever deeper', deeper],
    ['20,000 emphasis marks', '*a'.repeat(20_000)],
    ['20,000 underscores', '_a'.repeat(20_000)],
    ['a 5,000-deep emphasis', '*'.repeat(5000) + 'a' + '*'.repeat(5000)],
  ];
  for (const [what, source] of hostile) {
    it(`shows ${what} as the text it is, without hanging`, () => {
      const started = performance.now();
      const root = parse(renderMarkdown(source));
      // A bound on a hang (unguarded, these overflow the stack or take up to 48 s), not a speed.
      expect(performance.now() - started).toBeLessThan(2000);
      expect(root.children.length).toBe(1);
      expect(root.querySelector('p.as-text')?.textContent).toBe(source);
    });
  }

  it('keeps markdown nested a few levels deep', () => {
    const root = parse(renderMarkdown('> quoted\n> - item\n>   - inner *em*'));
    expect(root.querySelector('blockquote ul ul li em')?.textContent).toBe('em');
  });

  it('shows a reply over 200,000 characters as text, escaped', () => {
    const source = '<b>x</b> '.repeat(25_000);
    const root = parse(renderMarkdown(source));
    expect(root.querySelector('b')).toBeNull();
    expect(root.textContent).toBe(source);
  });
});

describe('a reply rendered as it streams', () => {
  const reply = '# Plan\n\nFirst **this**.\n\n- a\n\n- b\n\n```js\nlet x = 1;\n\nlet y = 2;\n```\n\nDone.';

  it('is cut at the blank lines that end a block, never inside a fence or a list', () => {
    expect(splitBlocks(reply)).toEqual([
      '# Plan\n\n',
      'First **this**.\n\n- a\n\n- b\n\n',
      '```js\nlet x = 1;\n\nlet y = 2;\n```\n\n',
      'Done.',
    ]);
  });

  it('ends as the whole reply renders, at every step on the way', () => {
    for (let n = 1; n <= reply.length; n++) renderMarkdown(reply.slice(0, n));
    const root = parse(renderMarkdown(reply));
    expect(root.querySelector('h1')?.textContent).toBe('Plan');
    expect(root.querySelector('strong')?.textContent).toBe('this');
    expect([...root.querySelectorAll('ul li')].map((li) => li.textContent?.trim())).toEqual(['a', 'b']);
    expect(root.querySelector('pre code')?.textContent).toBe('let x = 1;\n\nlet y = 2;\n');
    expect(root.lastElementChild?.textContent).toBe('Done.');
  });
});

/** A seeded generator (mulberry32): the same replies in every run, so a failure repeats. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// What model output is made of when it goes wrong: markdown's markers, nesting, fences,
// links and HTML that must never come alive.
const PIECES = [
  '>', '> ', '- ', '* ', '1. ', '  ', '\t', '\n', '\n\n', '*', '**', '_', '__', '`', '```', '~~~',
  '#', '# ', '|', '---', '[', ']', '(', ')', '![x](', 'https://example.com/', 'javascript:alert(1)',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:x">', '<div>',
  '</div>', '<style>', '&amp;', '\\', 'word ', 'Lisbon. ', 'é', '\u202e',
];

describe('renderMarkdown fuzzed', () => {
  // DOMPurify's output is serialized HTML, so a live tag or attribute shows as `<tag` or
  // ` name=` inside a tag; the same words as text are escaped (`&lt;`) and match nothing.
  const LIVE = [/<(script|style|iframe|object|embed)\b/i, /<[^>]*\son[a-z]+=/i, /<[^>]*href="\s*javascript:/i];

  it('renders 1,000 generated replies, each safe, none throwing', () => {
    const next = seeded(0x5eed0009);
    for (let i = 0; i < 1000; i++) {
      let reply = '';
      // Up to about 600 characters: long enough to nest and pair, short enough for jsdom,
      // where each sanitizing costs a DOM of its own.
      const length = Math.floor(next() * 120);
      for (let j = 0; j < length; j++) reply += PIECES[Math.floor(next() * PIECES.length)];
      const html = renderMarkdown(reply);
      for (const live of LIVE) expect(live.test(html), `${live} in ${JSON.stringify(reply)}`).toBe(false);
    }
  }, 120_000);
});

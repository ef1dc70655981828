// Model output is untrusted: it is rendered as markdown and then sanitized, so nothing it says
// can run script, load a remote resource or restyle the app.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { Marked } from 'marked';
import { markedHighlight } from 'marked-highlight';

const marked = new Marked(
  markedHighlight({
    emptyLangClass: 'hljs',
    langPrefix: 'hljs language-',
    highlight(code, lang) {
      const language = hljs.getLanguage(lang) ? lang : 'plaintext';
      return hljs.highlight(code, { language }).value;
    },
  }),
  { gfm: true, breaks: true },
);

const FORBID_TAGS = ['style', 'img', 'svg', 'math', 'form', 'input', 'button', 'textarea',
  'select', 'iframe', 'object', 'embed', 'video', 'audio', 'link', 'meta', 'base'];

// marked recurses once per level of quotes and lists inside one another (thousands overflow
// its stack; hundreds take seconds), and pairs emphasis delimiters in quadratic time. Past these
// limits a block is shown as the text it is.
const MAX_CHARS = 200_000;
const MAX_DEPTH = 20;
const MAX_DELIMITERS = 1_000;
const CACHE_CHARS = 4_000_000;

// Rendered blocks by their source: a streaming reply renders only its last block on each
// batch, and a conversation opened again renders nothing twice. The oldest go first.
const rendered = new Map<string, string>();
let cachedChars = 0;

/** Model output as sanitized HTML; markdown that is too large or too deep is shown as text. */
export function renderMarkdown(source: string): string {
  if (source.length > MAX_CHARS) return plain(source);
  return splitBlocks(source).map(renderBlock).join('');
}

function renderBlock(block: string): string {
  const known = rendered.get(block);
  if (known !== undefined) return known;
  const html = tooHard(block) ? plain(block) : parse(block);
  rendered.set(block, html);
  cachedChars += block.length + html.length;
  for (const [oldest, its] of rendered) {
    if (cachedChars <= CACHE_CHARS) break;
    rendered.delete(oldest);
    cachedChars -= oldest.length + its.length;
  }
  return html;
}

function parse(block: string): string {
  try {
    const html = marked.parse(block, { async: false });
    return DOMPurify.sanitize(html, {
      FORBID_TAGS,
      FORBID_ATTR: ['style', 'srcset'],
      ALLOW_DATA_ATTR: false,
    });
  } catch {
    return plain(block);
  }
}

function plain(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<p class="as-text">${escaped}</p>`;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_OR_QUOTE = /^ {0,3}(>|[-*+][ \t]|\d{1,9}[.)][ \t])/;

/**
 * The source cut at blank lines that end a block for good: the next line starts at the margin
 * and does not go on a list or a quote, and no code fence is open. Each piece renders alone as
 * it would within the whole.
 */
export function splitBlocks(source: string): string[] {
  const lines = source.split('\n');
  const blocks: string[] = [];
  let start = 0;
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const opened = FENCE.exec(line);
    if (fence === null && opened) fence = opened[1];
    else if (fence !== null && opened && opened[1][0] === fence[0] && opened[1].length >= fence.length) fence = null;
    const next = lines[i + 1];
    const ends = fence === null && line.trim() === '' && next !== undefined && next.trim() !== ''
      && !/^[ \t]/.test(next) && !LIST_OR_QUOTE.test(next);
    if (ends) {
      blocks.push(lines.slice(start, i + 1).join('\n') + '\n');
      start = i + 1;
    }
  }
  blocks.push(lines.slice(start).join('\n'));
  return blocks;
}

/** Whether marked would recurse too deep or pair too many delimiters on `block`. */
function tooHard(block: string): boolean {
  let delimiters = 0;
  let fence: string | null = null;
  for (const line of block.split('\n')) {
    const opened = FENCE.exec(line);
    if (opened) {
      if (fence === null) fence = opened[1];
      else if (opened[1][0] === fence[0] && opened[1].length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null) continue;
    if (depth(line) > MAX_DEPTH) return true;
    for (const c of line) if (c === '*' || c === '_') delimiters++;
    if (delimiters > MAX_DELIMITERS) return true;
  }
  return false;
}

/** How many quotes and lists a line opens, counting two columns of indent as one level. */
function depth(line: string): number {
  let levels = 0;
  let columns = 0;
  let i = 0;
  while (levels + columns / 2 <= MAX_DEPTH) {
    while (line[i] === ' ' || line[i] === '\t') columns += line[i++] === '\t' ? 4 : 1;
    const marker = /^(>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))/.exec(line.slice(i, i + 12));
    if (!marker) break;
    levels++;
    i += marker[0].length;
  }
  return levels + Math.floor(columns / 2);
}

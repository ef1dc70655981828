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

export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false });
  return DOMPurify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'srcset'],
    ALLOW_DATA_ATTR: false,
  });
}

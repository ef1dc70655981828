// Models that think aloud (Qwen3) write their reasoning in <think>...</think> before the
// answer; while a reply streams, the reasoning is folded away and the answer shown. Stored
// replies no longer hold it (the core takes it out, as hearth-core's text/thinking.rs).

const OPEN = '<think>';
const CLOSE = '</think>';

/** `text` as its reasoning (null if none) and the answer without it. An unclosed block is
 * all reasoning: the model is still thinking. */
export function splitThinking(text: string): { thinking: string | null; answer: string } {
  if (!text.includes(OPEN)) return { thinking: null, answer: text };
  const thoughts: string[] = [];
  let answer = '';
  let rest = text;
  for (let start = rest.indexOf(OPEN); start !== -1; start = rest.indexOf(OPEN)) {
    answer += rest.slice(0, start);
    const inside = rest.slice(start + OPEN.length);
    const end = inside.indexOf(CLOSE);
    thoughts.push((end === -1 ? inside : inside.slice(0, end)).trim());
    rest = end === -1 ? '' : inside.slice(end + CLOSE.length);
  }
  answer += rest;
  const thinking = thoughts.filter((t) => t !== '').join('\n\n');
  return { thinking: thinking === '' ? null : thinking, answer: answer.trim() };
}

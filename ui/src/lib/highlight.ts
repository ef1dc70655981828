// A search hit's snippet arrives with its matching words between two control characters
// (store/search.rs). Splitting on them gives plain text parts to render as text nodes, so a
// snippet is never parsed as markup.
const START = '\u0002';
const END = '\u0003';

export interface Part {
  text: string;
  match: boolean;
}

export function highlightParts(snippet: string): Part[] {
  const parts: Part[] = [];
  for (const piece of snippet.split(START)) {
    const end = piece.indexOf(END);
    if (end === -1) {
      if (piece !== '') parts.push({ text: piece, match: false });
      continue;
    }
    if (end > 0) parts.push({ text: piece.slice(0, end), match: true });
    const rest = piece.slice(end + 1);
    if (rest !== '') parts.push({ text: rest, match: false });
  }
  return parts;
}

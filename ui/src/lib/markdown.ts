// A small Markdown reader for workshop descriptions. It yields a tree of plain strings that
// the Markdown component renders with text nodes only: whatever someone typed (HTML, scripts,
// odd links) is shown as text and never becomes markup. Covered: headings, paragraphs, bullet
// and numbered lists, fenced code, **bold**, *italic* / _italic_, `code` and [links](https://…)
// with http, https or mailto targets.

export type Inline =
  | { kind: 'text' | 'strong' | 'em' | 'code'; text: string }
  | { kind: 'link'; text: string; href: string };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; inlines: Inline[] }
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; text: string };

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** Inline spans: `code`, **strong**, *em* / _em_, [label](href). Linear in the text: each
 * alternative's repeated part stops at its own opening character, so a failed attempt scans
 * only up to the next place a span could start (a label holds no brackets, a link target no
 * brackets, parentheses or spaces). Without that, `[a](` repeated made every `[` scan to the
 * end of the text: 320k characters took 14 s. `make bench` measures it. */
const INLINE =
  /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*)|(_[^_\s][^_]*_)|(\[[^[\]]+\]\([^()[\]\s]+\))/g;

/** Inline spans of one paragraph's text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pattern = new RegExp(INLINE);
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    const token = match[0];
    if (match[1]) out.push({ kind: 'code', text: token.slice(1, -1) });
    else if (match[2]) out.push({ kind: 'strong', text: token.slice(2, -2) });
    else if (match[3] || match[4]) out.push({ kind: 'em', text: token.slice(1, -1) });
    else {
      const close = token.indexOf('](');
      const label = token.slice(1, close);
      const href = token.slice(close + 2, -1);
      out.push(
        SAFE_LINK.test(href) ? { kind: 'link', text: label, href } : { kind: 'text', text: token },
      );
    }
    last = at + token.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^(#{1,3})\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length)
      blocks.push({ kind: 'paragraph', inlines: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim().startsWith('```')) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith('```'); i++) code.push(lines[i]);
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      const level = heading[1].length as 1 | 2 | 3;
      blocks.push({ kind: 'heading', level, inlines: parseInline(heading[2].trim()) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = numbered !== null;
      const item = parseInline(((bullet ?? numbered) as RegExpExecArray)[1]);
      const previous = blocks[blocks.length - 1];
      if (previous?.kind === 'list' && previous.ordered === ordered) previous.items.push(item);
      else blocks.push({ kind: 'list', ordered, items: [item] });
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

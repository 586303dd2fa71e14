import { render } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it, vi } from 'vitest';
import Markdown from './components/Markdown.svelte';
import { parseInline, parseMarkdown } from './markdown';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists and code', () => {
    const blocks = parseMarkdown(
      '# Plan\nBring a\nlaptop.\n\n- one\n- **two**\n\n1. first\n2. second\n```\nlet x = 1;\n```',
    );
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'code']);
    expect(blocks[1]).toEqual({
      kind: 'paragraph',
      inlines: [{ kind: 'text', text: 'Bring a laptop.' }],
    });
    expect(blocks[2]).toMatchObject({
      ordered: false,
      items: [[{ text: 'one' }], [{ kind: 'strong', text: 'two' }]],
    });
    expect(blocks[3]).toMatchObject({ ordered: true });
    expect(blocks[4]).toEqual({ kind: 'code', text: 'let x = 1;' });
  });

  it('keeps links only to web and mail addresses', () => {
    expect(parseInline('[site](https://example.org) and [x](javascript:alert(1))')).toEqual([
      { kind: 'link', text: 'site', href: 'https://example.org' },
      { kind: 'text', text: ' and [x](javascript:alert(1))' },
    ]);
    expect(parseInline('[a [b](https://x.org)')).toEqual([
      { kind: 'text', text: '[a ' },
      { kind: 'link', text: 'b', href: 'https://x.org' },
    ]);
  });

  it('reads text built to make a backtracking reader slow as the text it is', () => {
    // Each of these made the old reader scan to the end from every position (quadratic);
    // `make bench` times them against plain text of the same length.
    for (const unit of ['[a](', '[', '[a]', '](', '[a](b ', '`']) {
      const text = unit.repeat(20_000);
      const inlines = parseInline(text);
      expect(inlines.length, unit).toBe(1);
      expect(inlines[0].kind === 'text' && inlines[0].text === text, unit).toBe(true);
    }
  });
});

describe('Markdown', () => {
  it('shows typed HTML as text and makes no elements from it', () => {
    const { container } = render(Markdown, {
      props: {
        source: '<img src=x onerror=alert(1)> **<b>bold</b>**\n\n<script>alert(2)</script>',
      },
    });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('strong')?.textContent).toBe('<b>bold</b>');
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.textContent).toContain('<script>alert(2)</script>');
  });

  it('opens a link through the backend, never in the app’s own window', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
    });
    const { container } = render(Markdown, {
      props: { source: 'See [the repo](https://example.org/r).' },
    });
    const link = container.querySelector('a') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('https://example.org/r');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    await vi.waitFor(() =>
      expect(calls).toEqual([{ cmd: 'open_link', args: { url: 'https://example.org/r' } }]),
    );
    clearMocks();
  });
});

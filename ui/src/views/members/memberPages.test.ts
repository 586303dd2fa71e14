import { describe, expect, it } from 'vitest';
import type { Member, MemberList } from '../../lib/ipc';
import { MemberPages, PAGE_SIZE } from './memberPages.svelte';

function member(i: number): Member {
  return { id: `mem_${i}`, name: `Member ${i}` } as Member;
}

function backend(total: number) {
  const asked: number[] = [];
  let release: (() => void)[] = [];
  const fetch = (offset: number, limit: number): Promise<MemberList> => {
    asked.push(offset);
    const members = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, k) =>
      member(offset + k),
    );
    return new Promise((resolve) => release.push(() => resolve({ members, total })));
  };
  const flush = async () => {
    const now = release;
    release = [];
    now.forEach((r) => r());
    await Promise.resolve();
    await Promise.resolve();
  };
  return { fetch, asked, flush };
}

describe('MemberPages', () => {
  it('loads only the pages in view, once each', async () => {
    const b = backend(100_000);
    const pages = new MemberPages(b.fetch);
    void pages.ensure(0, 30);
    void pages.ensure(5, 40); // same page, already on its way
    await b.flush();
    expect(b.asked).toEqual([0]);
    expect(pages.total).toBe(100_000);
    expect(pages.at(30)?.name).toBe('Member 30');
    expect(pages.at(PAGE_SIZE)).toBeUndefined();

    void pages.ensure(50_020, 50_120);
    await b.flush();
    expect(b.asked).toEqual([0, 50_000, 50_100]);
    expect(pages.at(50_120)?.name).toBe('Member 50120');
  });

  it('ignores answers for a query that has been replaced', async () => {
    const b = backend(300);
    const pages = new MemberPages(b.fetch);
    void pages.ensure(0, 10);
    pages.reset();
    await b.flush();
    expect(pages.loaded).toBe(false);
    expect(pages.at(0)).toBeUndefined();
    void pages.ensure(0, 10);
    await b.flush();
    expect(pages.at(0)?.name).toBe('Member 0');
  });

  it('never asks beyond the end', async () => {
    const b = backend(120);
    const pages = new MemberPages(b.fetch);
    void pages.ensure(0, 10);
    await b.flush();
    void pages.ensure(0, 5000);
    await b.flush();
    expect(b.asked).toEqual([0, 100]);
  });
});

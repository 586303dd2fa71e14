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

  it('refreshes the rows in view in place, without blanking them first', async () => {
    let total = 250;
    let version = 1;
    const asked: number[] = [];
    const fetch = async (offset: number, limit: number): Promise<MemberList> => {
      asked.push(offset);
      const v = version;
      const members = Array.from(
        { length: Math.max(0, Math.min(limit, total - offset)) },
        (_, k) => ({ id: `mem_${offset + k}`, name: `Member ${offset + k} v${v}` }) as Member,
      );
      return { members, total };
    };
    const pages = new MemberPages(fetch);
    await pages.ensure(0, 10);
    await pages.ensure(120, 140); // scrolled down: page 1 in view
    expect(pages.at(130)?.name).toBe('Member 130 v1');
    version = 2;
    total = 260;
    asked.length = 0;
    const refreshing = pages.refresh();
    // Still shown while the new rows are on their way.
    expect(pages.at(130)?.name).toBe('Member 130 v1');
    await refreshing;
    expect(asked).toEqual([100]);
    expect(pages.at(130)?.name).toBe('Member 130 v2');
    expect(pages.total).toBe(260);
    expect(pages.at(5)).toBeUndefined(); // out of view: dropped, loaded again when shown
  });
});

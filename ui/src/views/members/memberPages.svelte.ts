// The member list's data when it may hold 100k members: pages of PAGE_SIZE members loaded as
// they scroll into view, for one query at a time. A new query (reset) drops every page and
// ignores answers still on their way for the old one.
import { SvelteMap } from 'svelte/reactivity';
import type { Member, MemberList } from '../../lib/ipc';

export const PAGE_SIZE = 100;

export type FetchPage = (offset: number, limit: number) => Promise<MemberList>;

export class MemberPages {
  /** Members matching the query, beyond the loaded pages too. */
  total = $state(0);
  /** Whether the first answer for the current query has arrived. */
  loaded = $state(false);
  error = $state<unknown>(null);

  #pages = new SvelteMap<number, Member[]>();
  // Bookkeeping only: nothing renders from it, so it need not be reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #inflight = new Set<number>();
  #generation = 0;
  /** The rows last asked for (the ones in view). */
  #shown: [number, number] = [0, 0];
  #fetch: FetchPage;

  constructor(fetch: FetchPage) {
    this.#fetch = fetch;
  }

  /** Forget everything loaded: the query changed, or members were edited. */
  reset(): void {
    this.#generation++;
    this.#pages.clear();
    this.#inflight.clear();
    this.loaded = false;
  }

  /** The member at a row index, or undefined while its page is loading. */
  at(index: number): Member | undefined {
    return this.#pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** The same query again, because members changed (here, in another window, from the
   * command line): the rows in view stay on screen until their new versions arrive and are
   * replaced in place, so the list neither flashes nor jumps; pages out of view are dropped. */
  refresh(): Promise<void> {
    this.#generation++;
    this.#inflight.clear();
    const [first, last] = this.#shown;
    const from = Math.floor(first / PAGE_SIZE);
    const to = Math.floor(Math.max(first, last) / PAGE_SIZE);
    for (const page of [...this.#pages.keys()]) {
      if (page < from || page > to) this.#pages.delete(page);
    }
    const pending: Promise<void>[] = [];
    for (let page = from; page <= to; page++) pending.push(this.#load(page));
    return Promise.all(pending).then(() => undefined);
  }

  /** Loads the pages covering rows first..last that are not loaded or on their way. */
  ensure(first: number, last: number): Promise<void> {
    this.#shown = [first, last];
    const pending: Promise<void>[] = [];
    const from = Math.max(0, Math.floor(first / PAGE_SIZE));
    const to = Math.max(from, Math.floor(Math.max(first, last) / PAGE_SIZE));
    for (let page = from; page <= to; page++) {
      if (this.loaded && page * PAGE_SIZE >= this.total) break;
      if (!this.#pages.has(page) && !this.#inflight.has(page)) pending.push(this.#load(page));
    }
    return Promise.all(pending).then(() => undefined);
  }

  async #load(page: number): Promise<void> {
    const generation = this.#generation;
    this.#inflight.add(page);
    try {
      const result = await this.#fetch(page * PAGE_SIZE, PAGE_SIZE);
      if (generation !== this.#generation) return; // an answer for an older query
      this.#pages.set(page, result.members);
      this.total = result.total;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      if (generation === this.#generation) this.error = e;
    } finally {
      if (generation === this.#generation) this.#inflight.delete(page);
    }
  }
}

// Answers that arrive out of order: a search as you type sends a query per pause, and an
// older, slower query may answer after a newer one. Only the newest query's answer counts.
export class Latest {
  #seq = 0;

  /** Starts a query; the returned function says whether it is still the newest one. */
  begin(): () => boolean {
    const mine = ++this.#seq;
    return () => mine === this.#seq;
  }

  /** Makes every query started so far stale (the text was cleared). */
  invalidate() {
    this.#seq++;
  }
}

// Which modal dialogs are open, in the order they opened. A modal dialog sits in the browser's
// top layer and makes the rest of the page inert, so a note drawn outside it would be hidden
// and unclickable: the topmost dialog draws the note itself (components/Modal.svelte), the
// app shell only while no dialog is open.

class OpenDialogs {
  #stack = $state<number[]>([]);
  #next = 0;

  /** Records a dialog that opened; returns its id. */
  opened(): number {
    const id = ++this.#next;
    this.#stack.push(id);
    return id;
  }

  closed(id: number) {
    const at = this.#stack.indexOf(id);
    if (at >= 0) this.#stack.splice(at, 1);
  }

  get topmost(): number | undefined {
    return this.#stack[this.#stack.length - 1];
  }

  get any(): boolean {
    return this.#stack.length > 0;
  }
}

export const openDialogs = new OpenDialogs();

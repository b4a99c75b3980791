// A binary min-heap over an array: O(log n) push and pop, O(1) peek.

/** A min-heap ordered by `before(a, b)` (true when `a` must come out first). */
export interface MinHeap<T> {
  push(item: T): void;
  /** The first item without removing it. */
  peek(): T | undefined;
  pop(): T | undefined;
  readonly size: number;
  clear(): void;
}

/** Creates an empty heap ordered by `before`. */
export function createMinHeap<T>(before: (a: T, b: T) => boolean): MinHeap<T> {
  const items: T[] = [];

  function swap(i: number, j: number): void {
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }

  function up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as T, items[parent] as T)) return;
      swap(i, parent);
      i = parent;
    }
  }

  function down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < items.length && before(items[left] as T, items[first] as T)) first = left;
      if (right < items.length && before(items[right] as T, items[first] as T)) first = right;
      if (first === i) return;
      swap(i, first);
      i = first;
    }
  }

  return {
    push(item) {
      items.push(item);
      up(items.length - 1);
    },
    peek: () => items[0],
    pop() {
      const top = items[0];
      const last = items.pop();
      if (items.length > 0 && last !== undefined) {
        items[0] = last;
        down(0);
      }
      return top;
    },
    get size() {
      return items.length;
    },
    clear() {
      items.length = 0;
    },
  };
}

/**
 * Which PR report goes next when GitHub's pace makes them wait (the throttling plugin lets one write
 * start a second, one that notifies people every three). A PR that has not heard from previewd yet
 * goes before one whose comment only changes its wording; within each, first come first served. A PR
 * already in line keeps its place: what it sends is composed when its turn comes, so the changes made
 * while it waited cost no extra write.
 */
export interface ReportLine<T> {
  /** Puts `item` in line under `key` (once); `firstWord`: the PR has heard nothing from previewd yet. */
  join(key: string, item: T, firstWord: boolean): void;
  /** Takes the next item out of the line. */
  next(): T | undefined;
  has(key: string): boolean;
  readonly size: number;
  /** Empties the line. */
  clear(): void;
}

export function createReportLine<T>(): ReportLine<T> {
  // Maps keep insertion order: the first key is the longest waiting.
  const first = new Map<string, T>();
  const rest = new Map<string, T>();
  function take(line: Map<string, T>): T | undefined {
    const head = line.entries().next();
    if (head.done === true) return undefined;
    line.delete(head.value[0]);
    return head.value[1];
  }
  return {
    join(key, item, firstWord) {
      if (first.has(key) || rest.has(key)) return;
      (firstWord ? first : rest).set(key, item);
    },
    next: () => take(first) ?? take(rest),
    has: (key) => first.has(key) || rest.has(key),
    get size() {
      return first.size + rest.size;
    },
    clear() {
      first.clear();
      rest.clear();
    },
  };
}

/**
 * Where published commits go. The store commits onto its own local branch; a transport moves the
 * target branch forward with compare-and-swap semantics and brings others' commits back.
 */
export interface Transport {
  /** The local ref that mirrors the target branch's tip as last fetched. */
  readonly trackingRef: string;
  /** Brings the target branch's tip and its objects into the local repository; returns the tip (null: no branch). */
  fetch(): Promise<string | null>;
  /**
   * Moves the target branch from `old` to `next` if it is still at `old`; `moved` if it is not.
   * `objects` lists what the target may lack, computed only if the transport needs it.
   */
  push(old: string | null, next: string, objects: () => Promise<string[]>): Promise<'ok' | 'moved'>;
}

/**
 * Commits consumed offsets in as few requests as possible: a batch whose offset is resolved waits
 * for the commit in flight (if any), then one commit carries every offset resolved meanwhile, on
 * every partition. `commit()` resolves once a commit including this batch's offset succeeded and
 * rejects if it failed (kafkajs then redelivers the batch, as when its own auto-commit fails).
 */
export class OffsetCommitter {
  private chain: Promise<void> = Promise.resolve();
  private next: Promise<void> | null = null;

  commit(commitResolved: () => Promise<void>): Promise<void> {
    if (!this.next) {
      const run = this.chain
        .catch(() => {})
        .then(() => {
          this.next = null;
          return commitResolved();
        });
      this.next = run;
      this.chain = run;
    }
    return this.next;
  }
}

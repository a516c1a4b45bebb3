/** Message counters every role keeps (the TUI header shows rates from them). */
export interface RoleCounters {
  /** Records received and decoded (including duplicates). */
  messagesIn: number;
  /** Records published. */
  messagesOut: number;
  /** Records that failed to decode (each also copied to dead-letter). */
  malformed: number;
  /**
   * Sealed records refused (bad tag, unknown or revoked key, a key speaking for another, replay,
   * stale, unsealed where a seal is required); each is also counted as malformed and dead-lettered.
   */
  refused?: number;
  /** Redelivered messages recognised by id or sequence and not applied again. */
  duplicates: number;
}

export function newCounters(): RoleCounters {
  return { messagesIn: 0, messagesOut: 0, malformed: 0, duplicates: 0 };
}

/**
 * A role that awaits something nothing will ever settle (a kafkajs event that never comes, with
 * every timer let go) would leave Node with an empty event loop: it then exits 13 ("unsettled
 * top-level await") without a word. This turns that into one line that says what happened, and
 * exit 1, like any other unexpected error.
 */
export function guardUnsettledExit(role: string): () => void {
  const onBeforeExit = () => {
    process.stderr.write(
      `evcharge ${role}: stopped with nothing left to wait for before it had finished (a bug: something it awaited can never happen); ` +
        'the log in $EVCHARGE_LOG_DIR or /tmp/evcharge-logs says what it was doing\n',
    );
    process.exit(1);
  };
  process.on('beforeExit', onBeforeExit);
  return () => process.off('beforeExit', onBeforeExit);
}

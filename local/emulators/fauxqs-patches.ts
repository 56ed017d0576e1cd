// A fix for fauxqs 2.4.1 in persistence mode (`dataDir`), applied once when the twin loads it.
//
// `ChangeMessageVisibility(VisibilityTimeout: 0)` — how the DLQ peek and dry-run redrive hand
// messages back — first removes the message from the in-flight set, then writes its "ready" state
// with `approximate_receive_count = NULL` into a `NOT NULL` column. SQLite refuses, the call throws
// half-way, and the message is gone from memory and disk: every peek of a DLQ destroyed what it
// looked at. In memory mode (no dataDir) there is no bug. We replace that one write with one that
// clears the receipt handle and deadline and leaves the receive count alone, which is what SQS
// does (a returned message keeps its ApproximateReceiveCount).

interface PersistenceManagerLike {
  db: { prepare(sql: string): { run(...values: unknown[]): unknown } };
  updateMessageReady(messageId: string): void;
}

const READY_SQL = 'UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?';
let applied = false;

export async function applyFauxqsPatches(): Promise<void> {
  if (applied) return;
  applied = true;
  // The package exports only its entry; its persistence module is reached by file URL.
  const persistenceUrl = new URL('./persistence.js', import.meta.resolve('fauxqs')).href;
  const module = (await import(persistenceUrl)) as { PersistenceManager?: { prototype: PersistenceManagerLike } };
  const prototype = module.PersistenceManager?.prototype;
  if (!prototype)
    throw new Error(
      'fauxqs: PersistenceManager not found; re-check local/emulators/fauxqs-patches.ts against the installed version',
    );
  prototype.updateMessageReady = function updateMessageReady(this: PersistenceManagerLike, messageId: string): void {
    this.db.prepare(READY_SQL).run(messageId);
  };
}

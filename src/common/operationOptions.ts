/**
 * What every operation of every client takes (as `OperationOptions` in `@azure/core-client`): an
 * area's options bag for an operation extends it, so cancelling works the same everywhere.
 */
export interface OperationOptions {
  /** Cancels the operation: it rejects with `AbortError`, and a signal already aborted sends nothing. */
  abortSignal?: AbortSignal;
}

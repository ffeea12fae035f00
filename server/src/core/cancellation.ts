/**
 * Cancellation for loops over many files. The core does not know LSP: an LSP request's
 * `CancellationToken` fits this shape, and so does anything else with the flag.
 */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export const notCancelled: Cancellation = { isCancellationRequested: false };

/** Thrown by a checkpoint when the work was cancelled; the server answers RequestCancelled. */
export class OperationCancelled extends Error {
  constructor() {
    super('The operation was cancelled.');
    this.name = 'OperationCancelled';
  }
}

/**
 * A checkpoint to await between files. A cancel notification can only be read while the event
 * loop runs, so every `sliceMs` of work it yields once; then it throws if the work was cancelled.
 */
export function cancellationCheckpoint(cancellation: Cancellation, sliceMs = 10): () => Promise<void> {
  let sliceStart = Date.now();
  return async () => {
    if (Date.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      sliceStart = Date.now();
    }
    if (cancellation.isCancellationRequested) throw new OperationCancelled();
  };
}

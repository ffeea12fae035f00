/**
 * An event source that cannot answer (a missing file, a refused connection, a missing table):
 * its message is a plain sentence for the user, printed without a stack.
 */
export class ExperimentSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentSourceError';
    // The message is the whole story: a stack would only point into the source's code.
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * A structured edit that cannot be made: unknown flag or variant, custom targeting, a value out
 * of range. The message is written for the person who asked for the edit.
 */
export class RegistryEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryEditError';
  }
}

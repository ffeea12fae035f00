/** A write Flaglens refused, having written nothing: the message says why and what to do. */
export class WriteRefusedError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

/** The file is not what the edit was computed from: changed, created or deleted meanwhile. */
export class FileChangedOnDiskError extends WriteRefusedError {
  constructor(path: string, message: string) {
    super(path, message);
    this.name = 'FileChangedOnDiskError';
  }
}

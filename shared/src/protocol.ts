/**
 * Messages between the Flaglens client and server beyond standard LSP, declared once and
 * imported on both sides.
 */

/** Sent by the server once the first full index is done. */
export namespace IndexReadyNotification {
  export const method = 'flaglens/indexReady';
  export interface Params {
    files: number;
    usages: number;
    flags: number;
    durationMs: number;
  }
}

/** Commands the server executes through `workspace/executeCommand`. */
export const Commands = {
  toggle: 'flaglens.toggle',
  setRollout: 'flaglens.setRollout',
  setDefaultVariant: 'flaglens.setDefaultVariant',
  addOverride: 'flaglens.addOverride',
  removeOverride: 'flaglens.removeOverride',
  addExclusion: 'flaglens.addExclusion',
  setTimeWindow: 'flaglens.setTimeWindow',
  createFlag: 'flaglens.createFlag',
  addToEnvironment: 'flaglens.addToEnvironment',
  cleanup: 'flaglens.cleanup',
  evaluate: 'flaglens.evaluate',
  showFlag: 'flaglens.showFlag',
} as const;

import type { CommandOutcome, FlagDetailsRequest, PreviewChangeRequest } from './protocol';

/** Messages between the rule editor webview and the extension host. */
export type EditorToHost =
  | { type: 'ready' }
  | {
      type: 'preview';
      requestId: number;
      command: string;
      arguments: Record<string, unknown>;
      contexts?: Record<string, Record<string, unknown>>;
    }
  | { type: 'apply'; command: string; arguments: Record<string, unknown> };

export type HostToEditor =
  | { type: 'details'; details: FlagDetailsRequest.Result | null }
  | { type: 'preview'; requestId: number; result: PreviewChangeRequest.Result | null }
  | { type: 'applied'; outcome: CommandOutcome };

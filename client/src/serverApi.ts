import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type CommandOutcome,
  ExperimentReportRequest,
  ExperimentsRequest,
  FlagDetailsRequest,
  FlagsRequest,
  PreviewChangeRequest,
  StaleFlagsRequest,
} from '../../shared/src/protocol';

/** Typed calls to the Flaglens server's custom requests and commands. */
export class ServerApi {
  constructor(private readonly client: LanguageClient) {}

  flags(uri?: string): Promise<FlagsRequest.Result> {
    return this.client.sendRequest(FlagsRequest.method, { uri } satisfies FlagsRequest.Params);
  }

  staleFlags(): Promise<StaleFlagsRequest.Result> {
    return this.client.sendRequest(StaleFlagsRequest.method, {});
  }

  flagDetails(flag: string, env: string): Promise<FlagDetailsRequest.Result | null> {
    return this.client.sendRequest(FlagDetailsRequest.method, {
      flag,
      env,
    } satisfies FlagDetailsRequest.Params);
  }

  experiments(): Promise<ExperimentsRequest.Result> {
    return this.client.sendRequest(ExperimentsRequest.method, {});
  }

  experimentReport(experiment: string): Promise<ExperimentReportRequest.Result> {
    return this.client.sendRequest(ExperimentReportRequest.method, {
      experiment,
    } satisfies ExperimentReportRequest.Params);
  }

  previewChange(params: PreviewChangeRequest.Params): Promise<PreviewChangeRequest.Result | null> {
    return this.client.sendRequest(PreviewChangeRequest.method, params);
  }

  /** Runs a server command; edits come back through workspace/applyEdit. */
  execute(command: string, args: Record<string, unknown>): Promise<CommandOutcome | null> {
    return this.client.sendRequest('workspace/executeCommand', { command, arguments: [args] });
  }
}

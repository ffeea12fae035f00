import type { Finding } from '../../../../shared/src/registryModel';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { codeFindings, unusedFlagFindings } from './codeFindings';

/** Everything `check` reports and the server publishes: configuration, registry and code. */
export async function workspaceFindings(workspace: FlagWorkspace): Promise<Finding[]> {
  const usages = workspace.usages();
  const findings = [
    ...workspace.registryFindings(),
    ...codeFindings(usages, workspace.registry, { now: workspace.now() }),
    ...workspace.tooLarge.map(
      ({ file, size }): Finding => ({
        file,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'information',
        code: 'code/file-too-large',
        message: `Not indexed: ${Math.round(size / 1024)} KB is over the ${Math.round(workspace.config.maxFileBytes / 1024)} KB limit (maxFileBytes in flaglens.json).`,
      }),
    ),
  ];
  if (workspace.codeFiles.length > 0) findings.push(...unusedFlagFindings(usages, workspace.registry));
  return findings;
}

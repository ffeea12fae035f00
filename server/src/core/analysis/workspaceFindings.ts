import type { Finding } from '../../../../shared/src/registryModel';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { CodeFinding, codeFindings, unusedFlagFindings } from './codeFindings';

/**
 * Stale flags, at every usage and registry entry. "Unused" and "used but gone" have findings
 * of their own (unused-flag, unknown-flag), so they are not repeated here.
 */
function staleFindings(workspace: FlagWorkspace): Finding[] {
  const findings: Finding[] = [];
  for (const verdict of workspace.staleVerdicts()) {
    const reasons = verdict.reasons.filter((reason) => reason !== 'unused' && reason !== 'used-but-gone');
    if (reasons.length === 0) continue;
    const data: Finding['data'] = {
      reasons,
      readyForRemoval: verdict.readyForRemoval,
      blockers: verdict.blockers,
    };
    if (verdict.servedValue !== undefined) data.servedValue = verdict.servedValue;
    const sentence = /[.!?]$/.test(verdict.message) ? verdict.message : `${verdict.message}.`;
    const message = `Stale flag: ${sentence}${verdict.readyForRemoval ? '' : ` Not ready for removal: ${verdict.blockers.join('; ')}.`}`;
    for (const usage of workspace.usagesOf(verdict.flag)) {
      findings.push({
        file: usage.file,
        range: usage.keyRange,
        severity: 'information',
        code: CodeFinding.staleFlag,
        message,
        flag: verdict.flag,
        data,
      });
    }
    for (const definition of workspace.registry.flag(verdict.flag)?.definitions ?? []) {
      findings.push({
        file: definition.file,
        range: definition.keyRange,
        severity: 'information',
        code: 'registry/stale-flag',
        message,
        flag: verdict.flag,
        data,
      });
    }
  }
  return findings;
}

/** Everything `check` reports and the server publishes: configuration, registry and code. */
export async function workspaceFindings(workspace: FlagWorkspace): Promise<Finding[]> {
  const usages = workspace.usages();
  const findings = [
    ...workspace.registryFindings(),
    ...workspace.experimentFindings(),
    ...workspace.rolloutFindings(),
    ...codeFindings(usages, workspace.registry, { now: workspace.now() }),
    ...workspace.tooLarge.map(({ file, size }): Finding => ({
      file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'information',
      code: 'code/file-too-large',
      message: `Not indexed: ${Math.round(size / 1024)} KB is over the ${Math.round(workspace.config.maxFileBytes / 1024)} KB limit (maxFileBytes in flaglens.json).`,
    })),
  ];
  const failures = workspace.analysisFailures();
  for (const { file, message } of failures)
    findings.push({
      file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'warning',
      code: 'code/analysis-failed',
      message: `Flaglens could not analyse this file (${/call stack/i.test(message) ? 'nested too deeply' : message}): its flag reads are unknown, so no flag is reported unused or ready for removal.`,
    });
  // A file that could not be analysed may read any flag: none is called unused meanwhile.
  if (workspace.codeFiles.length > 0 && failures.length === 0)
    findings.push(...unusedFlagFindings(usages, workspace.registry));
  findings.push(...staleFindings(workspace));
  return findings;
}

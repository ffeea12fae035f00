import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { URI } from 'vscode-uri';
import type { FlagSummary, Position } from '../../../../shared/src/registryModel';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { flagAtPosition } from './flagAtPosition';
import { definitionRules, servingSummary } from './serving';
import { experimentMarkdown, experimentsOfFlag } from './experimentInsights';

/** The language id of the rule language (syntaxes/flaglens-rules.tmLanguage.json). */
export const RULES_LANGUAGE = 'flaglens-rules';

/** Usage links listed in a hover before "and N more". */
const MAX_USAGE_LINKS = 10;

export function hoverAt(workspace: FlagWorkspace, file: string, position: Position): Hover | null {
  const found = flagAtPosition(workspace, file, position);
  if (!found) return null;
  const range = found.usage?.keyRange ?? found.definition?.keyRange;
  const summary = workspace.registry.flag(found.flag);
  if (!summary) {
    const content: MarkupContent = {
      kind: 'markdown',
      value: `**${found.flag}** is not in the registry.\n\nCode that reads it always gets its default${found.usage?.defaultValue ? ` (\`${found.usage.defaultValue}\`)` : ''}. Use the quick fix to create it.`,
    };
    return range ? { contents: content, range } : { contents: content };
  }
  const experiments = experimentsOfFlag(workspace, summary.key).map((experiment) =>
    experimentMarkdown(experiment, workspace.experimentReports.get(experiment.key)),
  );
  const value = [flagMarkdown(workspace, summary), ...experiments].join('\n\n---\n\n');
  const content: MarkupContent = { kind: 'markdown', value };
  return range ? { contents: content, range } : { contents: content };
}

/** The full description of a flag: facts, serving per environment, rules, previews, usages. */
export function flagMarkdown(workspace: FlagWorkspace, summary: FlagSummary): string {
  const { lifecycle } = summary;
  const facts = [
    summary.variantType,
    lifecycle.archived === true && 'archived',
    lifecycle.type,
    lifecycle.owner && `owner ${lifecycle.owner}`,
    lifecycle.createdAt && `created ${lifecycle.createdAt.slice(0, 10)}`,
    lifecycle.expiresAt && `expires ${lifecycle.expiresAt.slice(0, 10)}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const lines: string[] = [`**${summary.key}**${facts ? ` · ${facts}` : ''}`];
  if (lifecycle.description) lines.push('', lifecycle.description);
  if (lifecycle.requires?.length)
    lines.push('', `Requires ${lifecycle.requires.map((text) => `\`${text}\``).join(', ')}`);

  const environments = workspace.environments();
  lines.push('', '| environment | serving |', '| --- | --- |');
  for (const environment of environments) {
    const definition = summary.definitions.find((candidate) => candidate.environment === environment);
    const protectedMark = workspace.isProtected(environment) ? ' 🔒' : '';
    lines.push(
      `| ${environment}${protectedMark} | ${definition ? escapeCell(servingSummary(definition)) : '⚠ missing'} |`,
    );
  }

  const rules: string[] = [];
  for (const definition of summary.definitions) {
    rules.push(`${definition.environment}:`);
    for (const line of definitionRules(workspace, definition)) {
      rules.push(`  ${line.text}`);
    }
  }
  lines.push('', `\`\`\`${RULES_LANGUAGE}`, ...rules, '```');

  const contexts = Object.entries(workspace.config.contexts);
  if (contexts.length > 0) {
    lines.push(
      '',
      `| context | ${environments.join(' | ')} |`,
      `| --- | ${environments.map(() => '---').join(' | ')} |`,
    );
    for (const [name, context] of contexts) {
      const cells = environments.map((environment) => {
        const result = workspace.evaluate(summary.key, environment, context);
        if (!result || result.reason === 'ERROR') return '—';
        return escapeCell(result.variant ?? JSON.stringify(result.value));
      });
      lines.push(`| ${escapeCell(name)} | ${cells.join(' | ')} |`);
    }
  }

  const usages = workspace.usagesOf(summary.key);
  const files = new Set(usages.map((usage) => usage.file));
  const counted =
    usages.length === 0
      ? 'Not used in code'
      : `${usages.length} usage${usages.length === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'}`;
  // Before the whole workspace is indexed the count is what is known so far, and says so.
  lines.push(
    '',
    workspace.isCodeIndexed()
      ? `${counted}${usages.length === 0 ? '.' : ''}`
      : `${counted} so far (indexing…)`,
  );
  if (usages.length > 0) {
    // Links any Markdown renderer opens (command links need a trusted client); the list is
    // capped so a flag read in hundreds of places keeps a short hover: references list them all.
    // `usagesOf` lists them by file and position already.
    const shown = usages
      .slice(0, MAX_USAGE_LINKS)
      .map(
        (usage) =>
          `[${usage.file}:${usage.keyRange.start.line + 1}](${fileLink(workspace, usage.file, usage.keyRange.start.line)})`,
      );
    const more = usages.length - shown.length;
    lines.push('', `Used in ${shown.join(' · ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  const links = summary.definitions.map(
    (definition) =>
      `[${definition.environment}](${fileLink(workspace, definition.file, definition.keyRange.start.line)})`,
  );
  if (links.length) lines.push('', `Defined in ${links.join(' · ')}`);
  return lines.join('\n');
}

function fileLink(workspace: FlagWorkspace, file: string, line: number): string {
  // The line goes in the fragment, so a `#` in the path must be encoded, as URI.file does.
  return URI.file(workspace.absolute(file))
    .with({ fragment: `L${line + 1}` })
    .toString();
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

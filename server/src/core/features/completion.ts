import {
  type CompletionItem,
  CompletionItemKind,
  MarkupKind,
  type Position,
} from 'vscode-languageserver-types';
import type { FlagUsage } from '../../../../shared/src/usage';
import { rangeContains } from '../text';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { servingSummary } from './serving';

/**
 * Flag keys inside the key argument of an SDK call or wrapper, filtered to flags whose type
 * fits the API (a boolean API offers boolean flags only).
 */
export function completionsAt(
  workspace: FlagWorkspace,
  file: string,
  position: Position,
  documentText: string,
): CompletionItem[] {
  if (workspace.kindOf(file) !== 'code') return [];
  const lines = documentText.split(/\r?\n/);
  const lineText = lines[position.line] ?? '';
  const variants = variantCompletions(workspace, file, position, lines);
  if (variants) return variants;
  const usage = workspace
    .usagesInFile(file)
    .find((candidate) => candidate.keyIsLiteral && rangeContains(candidate.keyRange, position));
  const expected = usage?.expectedType ?? expectedTypeFromLine(lineText.slice(0, position.character));
  if (expected === undefined) return [];
  const replaceRange = usage ? innerRange(usage) : undefined;
  const items: CompletionItem[] = [];
  for (const summary of workspace.registry.flags().values()) {
    if (expected !== 'any' && summary.variantType && summary.variantType !== expected) continue;
    if (summary.lifecycle.archived === true) continue; // retired: never offered for new code
    const detail = summary.definitions
      .map((definition) => `${definition.environment}: ${servingSummary(definition)}`)
      .join(' · ');
    const item: CompletionItem = {
      label: summary.key,
      kind: CompletionItemKind.Constant,
      detail,
      documentation: summary.lifecycle.description
        ? { kind: MarkupKind.Markdown, value: summary.lifecycle.description }
        : undefined,
    };
    if (replaceRange) item.textEdit = { range: replaceRange, newText: summary.key };
    items.push(item);
  }
  return items;
}

/** The range inside the quotes of a literal key. */
function innerRange(usage: FlagUsage): FlagUsage['keyRange'] {
  const { start, end } = usage.keyRange;
  const quoted = /^['"`]/.test(usage.keyText);
  if (!quoted || start.line !== end.line) return usage.keyRange;
  return {
    start: { line: start.line, character: start.character + 1 },
    end: { line: end.line, character: Math.max(start.character + 1, end.character - 1) },
  };
}

const LINE_APIS: [RegExp, FlagUsage['expectedType']][] = [
  [
    /\b(getBooleanValue|getBooleanDetails|useBooleanFlagValue|useBooleanFlagDetails|boolVariation|isOn|isOff|useFeatureIsOn|isEnabled)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/,
    'boolean',
  ],
  [
    /\b(getStringValue|getStringDetails|useStringFlagValue|useStringFlagDetails|stringVariation)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/,
    'string',
  ],
  [
    /\b(getNumberValue|getNumberDetails|useNumberFlagValue|useNumberFlagDetails|numberVariation)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/,
    'number',
  ],
  [
    /\b(getObjectValue|getObjectDetails|useObjectFlagValue|useObjectFlagDetails|jsonVariation)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/,
    'object',
  ],
  [
    /\b(useFlag|variation|variationDetail|getFeatureValue|useFeatureValue|evalFeature|getVariant|useVariant)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/,
    'any',
  ],
];

/** While a key is being typed the index may not hold the call yet; read the line instead. */
function expectedTypeFromLine(before: string): FlagUsage['expectedType'] | undefined {
  for (const [pattern, type] of LINE_APIS) if (pattern.test(before)) return type;
  return undefined;
}

/**
 * Variant values where a string flag's value is compared: `color === '|'`, `case '|':` in a
 * `switch (color)`, or right after the call itself. The value must come from a usage in this
 * file, read straight from the call or through the variable it was assigned to.
 */
function variantCompletions(
  workspace: FlagWorkspace,
  file: string,
  position: Position,
  lines: string[],
): CompletionItem[] | undefined {
  const before = (lines[position.line] ?? '').slice(0, position.character);
  const compared = /(?:([A-Za-z_$][\w$.]*)|\))\s*[!=]==?\s*['"`][^'"`]*$/.exec(before);
  const switchCase = /^\s*case\s+['"`][^'"`]*$/.test(before)
    ? enclosingSwitchSubject(lines, position.line)
    : undefined;
  if (!compared && !switchCase) return undefined;
  const subject = switchCase ?? compared?.[1];
  const usages = workspace.usagesInFile(file).filter((usage) => usage.flag !== null);
  const usage = usages.find((candidate) => {
    const callLine = lines[candidate.range.end.line] ?? '';
    if (subject === undefined)
      return candidate.range.end.line === position.line && candidate.range.end.character <= before.length;
    const declaration = lines
      .slice(
        candidate.range.start.line - 2 < 0 ? 0 : candidate.range.start.line - 2,
        candidate.range.start.line + 1,
      )
      .join('\n');
    const name = subject.split('.').pop() ?? subject;
    return (
      new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b\\s*(?::[^=]+)?=`).test(declaration) ||
      callLine.includes(`${name} =`)
    );
  });
  const summary = usage?.flag ? workspace.registry.flag(usage.flag) : undefined;
  if (!summary || summary.variantType !== 'string') return undefined;
  const values = new Set<string>();
  for (const definition of summary.definitions)
    for (const value of Object.values(definition.variants)) if (typeof value === 'string') values.add(value);
  return [...values].sort().map((value) => ({
    label: value,
    kind: CompletionItemKind.EnumMember,
    detail: `variant of ${summary.key}`,
  }));
}

function enclosingSwitchSubject(lines: string[], line: number): string | undefined {
  for (let index = line; index >= Math.max(0, line - 50); index--) {
    const match = /\bswitch\s*\(\s*([A-Za-z_$][\w$.]*)\s*\)/.exec(lines[index]);
    if (match) return match[1];
  }
  return undefined;
}

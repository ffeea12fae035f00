import { type CompletionItem, CompletionItemKind, MarkupKind, type Position } from 'vscode-languageserver-types';
import type { FlagUsage } from '../../../../shared/src/usage';
import { rangeContains } from '../text';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { servingSummary } from './serving';

/**
 * Flag keys inside the key argument of an SDK call or wrapper, filtered to flags whose type
 * fits the API (a boolean API offers boolean flags only).
 */
export function completionsAt(workspace: FlagWorkspace, file: string, position: Position, lineText: string): CompletionItem[] {
  if (workspace.kindOf(file) !== 'code') return [];
  const usage = workspace.usagesInFile(file).find((candidate) => candidate.keyIsLiteral && rangeContains(candidate.keyRange, position));
  const expected = usage?.expectedType ?? expectedTypeFromLine(lineText.slice(0, position.character));
  if (expected === undefined) return [];
  const replaceRange = usage ? innerRange(usage) : undefined;
  const items: CompletionItem[] = [];
  for (const summary of workspace.registry.flags().values()) {
    if (expected !== 'any' && summary.variantType && summary.variantType !== expected) continue;
    const detail = summary.definitions.map((definition) => `${definition.environment}: ${servingSummary(definition)}`).join(' · ');
    const item: CompletionItem = {
      label: summary.key,
      kind: CompletionItemKind.Constant,
      detail,
      documentation: summary.lifecycle.description ? { kind: MarkupKind.Markdown, value: summary.lifecycle.description } : undefined,
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
  return { start: { line: start.line, character: start.character + 1 }, end: { line: end.line, character: Math.max(start.character + 1, end.character - 1) } };
}

const LINE_APIS: [RegExp, FlagUsage['expectedType']][] = [
  [/\b(getBooleanValue|getBooleanDetails|useBooleanFlagValue|useBooleanFlagDetails|boolVariation|isOn|isOff|useFeatureIsOn|isEnabled)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/, 'boolean'],
  [/\b(getStringValue|getStringDetails|useStringFlagValue|useStringFlagDetails|stringVariation)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/, 'string'],
  [/\b(getNumberValue|getNumberDetails|useNumberFlagValue|useNumberFlagDetails|numberVariation)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/, 'number'],
  [/\b(getObjectValue|getObjectDetails|useObjectFlagValue|useObjectFlagDetails|jsonVariation)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/, 'object'],
  [/\b(useFlag|variation|variationDetail|getFeatureValue|useFeatureValue|evalFeature|getVariant|useVariant)\s*(<[^>]*>)?\(\s*['"`][\w.-]*$/, 'any'],
];

/** While a key is being typed the index may not hold the call yet; read the line instead. */
function expectedTypeFromLine(before: string): FlagUsage['expectedType'] | undefined {
  for (const [pattern, type] of LINE_APIS) if (pattern.test(before)) return type;
  return undefined;
}

import type { FlagDefinition, Finding, RegistryFile } from '../../../../shared/src/registryModel';

/** A prerequisite as written in `metadata.requires`: `new-api=on`. */
export interface Prerequisite {
  flag: string;
  variant: string;
}

export function parsePrerequisite(text: string): Prerequisite | undefined {
  const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(text);
  return match ? { flag: match[1], variant: match[2] } : undefined;
}

/** Checks that need every environment file at once. */
export function checkRegistry(files: RegistryFile[], now: Date): Finding[] {
  const findings: Finding[] = [];
  const environments = [...new Set(files.map((file) => file.environment))];
  const byKey = new Map<string, FlagDefinition[]>();
  for (const file of files) {
    for (const definition of file.flags.values()) {
      const list = byKey.get(definition.key) ?? [];
      list.push(definition);
      byKey.set(definition.key, list);
    }
  }

  const seenEnvironments = new Map<string, string>();
  for (const file of files) {
    const other = seenEnvironments.get(file.environment);
    if (other) {
      findings.push({
        file: file.file,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
        severity: 'error',
        code: 'registry/duplicate-environment',
        message: `Environment "${file.environment}" is also defined by ${other}; each environment needs its own file.`,
      });
    } else {
      seenEnvironments.set(file.environment, file.file);
    }
  }

  for (const [key, definitions] of byKey) {
    const present = new Set(definitions.map((definition) => definition.environment));
    const missing = environments.filter((environment) => !present.has(environment));
    // An archived flag may have been deleted from some environments already: that is no drift.
    const archived = definitions.some((definition) => definition.lifecycle.archived === true);
    if (missing.length > 0 && !archived) {
      for (const definition of definitions) {
        findings.push({
          file: definition.file,
          range: definition.keyRange,
          severity: 'warning',
          code: 'registry/missing-in-environment',
          message: `Flag "${key}" is missing in ${missing.join(', ')}; code evaluating it there gets its default.`,
          flag: key,
          data: { missing },
        });
      }
    }
    const types = new Set(definitions.map((definition) => definition.variantType).filter(Boolean));
    if (types.size > 1) {
      const described = definitions
        .map((definition) => `${definition.environment}: ${definition.variantType ?? '?'}`)
        .join(', ');
      for (const definition of definitions) {
        findings.push({
          file: definition.file,
          range: definition.keyRange,
          severity: 'error',
          code: 'registry/variant-type-mismatch',
          message: `Flag "${key}" has different variant types across environments (${described}).`,
          flag: key,
        });
      }
    }
    for (const definition of definitions) {
      const expires = definition.lifecycle.expiresAt;
      if (expires !== undefined && Date.parse(expires) < now.getTime()) {
        findings.push({
          file: definition.file,
          range: definition.metadataRanges.expiresAt ?? definition.keyRange,
          severity: 'warning',
          code: 'registry/expired',
          message: `Flag "${key}" expired on ${expires.slice(0, 10)}; clean it up or extend "expiresAt".`,
          flag: key,
        });
      }
    }
  }

  findings.push(...checkPrerequisites(files, byKey));
  return findings;
}

function checkPrerequisites(files: RegistryFile[], byKey: Map<string, FlagDefinition[]>): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const graph = new Map<string, string[]>();
    for (const definition of file.flags.values()) {
      const requires = definition.lifecycle.requires ?? [];
      const edges: string[] = [];
      for (const text of requires) {
        const range = definition.metadataRanges.requires ?? definition.keyRange;
        const prerequisite = parsePrerequisite(text);
        if (!prerequisite) {
          findings.push({
            file: file.file,
            range,
            severity: 'error',
            code: 'registry/invalid-prerequisite',
            message: `Prerequisite "${text}" of "${definition.key}" must read "<flag>=<variant>".`,
            flag: definition.key,
          });
          continue;
        }
        const target = file.flags.get(prerequisite.flag);
        if (!target) {
          const elsewhere = byKey.has(prerequisite.flag);
          findings.push({
            file: file.file,
            range,
            severity: 'error',
            code: 'registry/unknown-prerequisite',
            message: elsewhere
              ? `Prerequisite "${prerequisite.flag}" of "${definition.key}" is not defined in ${file.environment}.`
              : `Prerequisite "${prerequisite.flag}" of "${definition.key}" is not a flag.`,
            flag: definition.key,
          });
          continue;
        }
        if (!(prerequisite.variant in target.variants)) {
          findings.push({
            file: file.file,
            range,
            severity: 'error',
            code: 'registry/unknown-prerequisite-variant',
            message: `Prerequisite "${text}" of "${definition.key}": "${prerequisite.flag}" has no variant "${prerequisite.variant}" (${Object.keys(target.variants).join(', ')}).`,
            flag: definition.key,
          });
        }
        edges.push(prerequisite.flag);
      }
      graph.set(definition.key, edges);
    }
    for (const cycle of findCycles(graph)) {
      const first = file.flags.get(cycle[0]);
      if (!first) continue;
      findings.push({
        file: file.file,
        range: first.metadataRanges.requires ?? first.keyRange,
        severity: 'error',
        code: 'registry/prerequisite-cycle',
        message: `Prerequisites form a cycle: ${[...cycle, cycle[0]].join(' -> ')}.`,
        flag: first.key,
      });
    }
  }
  return findings;
}

/** Each elementary cycle once, starting at its smallest key. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): void => {
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const normalised = [...cycle.slice(start), ...cycle.slice(0, start)];
        const id = normalised.join('>');
        if (!seen.has(id)) {
          seen.add(id);
          cycles.push(normalised);
        }
      } else if (graph.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    onStack.delete(node);
  };
  const done = new Set<string>();
  for (const node of graph.keys()) {
    if (done.has(node)) continue;
    visit(node);
    done.add(node);
  }
  return cycles;
}

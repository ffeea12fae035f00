/**
 * The registry edit of a ramp step or a rollback to 0%: the sticky weights of stickyRollout.ts,
 * written as the smallest possible edit, the changed weight numbers of the flag's `fractional`
 * buckets in place, so a reviewer sees only the numbers move. When the buckets cannot be
 * changed in place (the variant is not a bucket yet), the rollout editor's setRollout rewrites
 * the targeting instead.
 */
import { type Node, findNodeAtLocation, parseTree } from 'jsonc-parser';
import { setRollout } from '../edits/registryEdits';
import { stickyWeights, type Weights } from '../edits/stickyRollout';
import type { OffsetEdit } from '../textEdit';

/** The `fractional` arrays below a node (iteratively: trees may be deep). */
function fractionalNodes(root: Node): Node[] {
  const found: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (
      node.type === 'property' &&
      node.children?.[0]?.value === 'fractional' &&
      node.children[1]?.type === 'array'
    )
      found.push(node.children[1]);
    stack.push(...(node.children ?? []));
  }
  return found;
}

export function rampEdits(text: string, flagKey: string, variant: string, percent: number): OffsetEdit[] {
  const root = parseTree(text);
  const targeting = root && findNodeAtLocation(root, ['flags', flagKey, 'targeting']);
  const fractionals = targeting ? fractionalNodes(targeting) : [];
  if (fractionals.length !== 1) return setRollout(text, flagKey, { variant, percent });
  // Buckets are [variant, weight] pairs after the optional bucketing expression (not an array).
  const buckets = (fractionals[0].children ?? []).filter(
    (node) =>
      node.type === 'array' &&
      node.children?.length === 2 &&
      node.children[0].type === 'string' &&
      node.children[1].type === 'number',
  );
  const current: Weights = buckets.map((node) => [
    node.children![0].value as string,
    node.children![1].value as number,
  ]);
  if (!current.some(([name]) => name === variant)) return setRollout(text, flagKey, { variant, percent });
  const next = stickyWeights(current, variant, percent);
  if (next.length !== current.length) return setRollout(text, flagKey, { variant, percent });
  const edits: OffsetEdit[] = [];
  next.forEach(([, weight], index) => {
    const node = buckets[index].children![1];
    if (weight !== node.value)
      edits.push({ offset: node.offset, length: node.length, content: String(weight) });
  });
  return edits;
}

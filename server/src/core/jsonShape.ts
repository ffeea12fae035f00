import { createScanner, SyntaxKind } from 'jsonc-parser';

/**
 * The deepest nesting of objects and arrays Flaglens analyses. jsonc-parser's tree, its value
 * builder and the walks over targeting all recurse, and a file nested thousands deep overflowed
 * the stack and aborted `check` for the whole workspace. No real flag, experiment or
 * configuration comes near this.
 */
export const MAX_JSON_DEPTH = 256;

export interface DuplicateKey {
  key: string;
  /** Offset and length of the later key, the one `JSON.parse` (and so flagd) keeps. */
  offset: number;
  length: number;
  /** Offset of the earlier key with the same name in the same object, which is ignored. */
  firstOffset: number;
}

export interface JsonShape {
  /** Where the nesting first went past `MAX_JSON_DEPTH`; nothing after it was inspected. */
  tooDeepAt?: number;
  duplicates: DuplicateKey[];
}

/**
 * Depth and duplicate keys, found with jsonc-parser's scanner in one loop (no recursion, so any
 * depth is safe). Malformed JSON is left to the parser's own errors.
 */
export function inspectJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonShape {
  const scanner = createScanner(text, true);
  const duplicates: DuplicateKey[] = [];
  /** Per open container: for objects, the keys seen (name to offset), and whether a key comes next. */
  const stack: { keys?: Map<string, number>; expectKey: boolean }[] = [];
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    const top = stack[stack.length - 1];
    switch (token) {
      case SyntaxKind.OpenBraceToken:
      case SyntaxKind.OpenBracketToken:
        if (stack.length >= maxDepth) return { tooDeepAt: scanner.getTokenOffset(), duplicates };
        stack.push(
          token === SyntaxKind.OpenBraceToken ? { keys: new Map(), expectKey: true } : { expectKey: false },
        );
        break;
      case SyntaxKind.CloseBraceToken:
      case SyntaxKind.CloseBracketToken:
        stack.pop();
        break;
      case SyntaxKind.CommaToken:
        if (top?.keys) top.expectKey = true;
        break;
      case SyntaxKind.StringLiteral:
        if (top?.keys && top.expectKey) {
          const key = scanner.getTokenValue();
          const offset = scanner.getTokenOffset();
          const first = top.keys.get(key);
          if (first !== undefined)
            duplicates.push({ key, offset, length: scanner.getTokenLength(), firstOffset: first });
          top.keys.set(key, offset);
          top.expectKey = false;
        }
        break;
      default:
        if (top?.keys) top.expectKey = false;
    }
  }
  return { duplicates };
}

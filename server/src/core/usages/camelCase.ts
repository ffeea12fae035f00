/**
 * LaunchDarkly's React SDK hands flags to components under camelCased keys, computed with
 * lodash's `camelCase` (`new-checkout` -> `newCheckout`, `my_flag` -> `myFlag`,
 * `FLAG_ONE` -> `flagOne`). The mapping is lossy, so a usage records the camelCased name and the
 * analysis matches registry keys by camelCasing them with this same function.
 *
 * This mirrors the word splitting of `lodash.camelcase` 4.3 (the package the SDK depends on) for
 * Latin keys: a word is a capitalised or lower-case run, an upper-case run (ending before a
 * capitalised word), or a run of digits; everything else separates words. Accents are dropped
 * first, as lodash's `deburr` does; other scripts are not expected in flag keys.
 */
const WORD =
  /[A-Z]?[a-z]+(?=[^A-Za-z0-9]|[A-Z]|$)|[A-Z]+(?=[^A-Za-z0-9]|[A-Z][a-z]|$)|[A-Z]?[a-z]+|[A-Z]+|\d+/g;

export function camelCaseFlagKey(key: string): string {
  // lodash drops apostrophes before splitting ("don't" is one word).
  const deburred = key.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const words = deburred.replace(/['\u2019]/g, '').match(WORD) ?? [];
  return words
    .map((word, index) => {
      const lower = word.toLowerCase();
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

/**
 * Flag-free application code: interfaces, functions, classes, React components and tests built
 * from a business vocabulary. Most files of a real code base never read a flag; these are them.
 * The vocabulary avoids every SDK API name and every wrapper name of the corpus, so any usage the
 * index reports in filler code is a false positive.
 */

export const NOUNS = [
  'order',
  'invoice',
  'customer',
  'cart',
  'product',
  'shipment',
  'payment',
  'session',
  'report',
  'account',
  'address',
  'coupon',
  'refund',
  'review',
  'ticket',
  'message',
  'notification',
  'subscription',
  'plan',
  'price',
  'tax',
  'warehouse',
  'inventory',
  'supplier',
  'catalog',
  'category',
  'banner',
  'campaign',
  'profile',
  'team',
  'member',
  'role',
  'audit',
  'upload',
  'document',
  'comment',
  'thread',
  'channel',
  'widget',
  'dashboard',
  'chart',
  'metric',
  'alert',
  'schedule',
  'booking',
  'slot',
  'route',
  'vehicle',
  'driver',
  'delivery',
  'label',
  'receipt',
  'ledger',
  'budget',
  'forecast',
  'quote',
  'contract',
  'lead',
  'opportunity',
  'task',
  'project',
  'milestone',
  'sprint',
  'release',
  'job',
  'queue',
  'worker',
  'token',
  'credential',
  'device',
  'region',
  'locale',
  'currency',
  'store',
  'partner',
  'voucher',
  'wishlist',
  'search',
  'checkout',
  'billing',
];
export const VERBS = [
  'load',
  'fetch',
  'compute',
  'format',
  'validate',
  'normalize',
  'build',
  'parse',
  'sync',
  'update',
  'create',
  'remove',
  'archive',
  'restore',
  'merge',
  'split',
  'group',
  'sort',
  'filter',
  'resolve',
  'render',
  'track',
  'notify',
  'schedule',
  'cancel',
  'approve',
  'reject',
  'submit',
  'summarize',
  'estimate',
  'reconcile',
  'refresh',
  'prefetch',
  'hydrate',
  'serialize',
  'sanitize',
  'apply',
  'reset',
  'collect',
  'index',
];
export const ADJECTIVES = [
  'active',
  'pending',
  'archived',
  'draft',
  'primary',
  'default',
  'recent',
  'visible',
  'selected',
  'expired',
  'paid',
  'overdue',
  'shared',
  'internal',
  'public',
  'cached',
  'stale',
  'local',
  'remote',
  'verified',
];
const FIELD_TYPES = [
  ['id', 'string'],
  ['name', 'string'],
  ['createdAt', 'Date'],
  ['updatedAt', 'Date'],
  ['amountCents', 'number'],
  ['currency', 'string'],
  ['status', "'open' | 'closed' | 'pending'"],
  ['tags', 'string[]'],
  ['ownerId', 'string'],
  ['quantity', 'number'],
  ['isActive', 'boolean'],
  ['notes', 'string | undefined'],
  ['region', 'string'],
  ['priority', 'number'],
  ['email', 'string'],
  ['enabled', 'boolean'],
  ['version', 'number'],
  ['total', 'number'],
  ['items', 'LineItem[]'],
  ['metadata', 'Record<string, string>'],
];
const PACKAGES = [
  ['react', ['useState', 'useEffect', 'useMemo', 'useCallback', 'useRef']],
  ['date-fns', ['format', 'addDays', 'differenceInDays', 'parseISO']],
  ['zod', ['z']],
  ['lodash-es', ['groupBy', 'sortBy', 'debounce', 'uniqBy', 'chunk']],
  ['axios', ['default']],
  ['clsx', ['default']],
];

export const cap = (word) => word.charAt(0).toUpperCase() + word.slice(1);

/** Names and helpers shared by the chunk builders of one file. */
export function fileVocabulary(rng, noun) {
  const other = rng.pick(NOUNS);
  return {
    noun,
    Noun: cap(noun),
    other,
    Other: cap(other),
    verb: rng.pick(VERBS),
    adjective: rng.pick(ADJECTIVES),
  };
}

/** Imports of ordinary packages and sibling modules, as a module's header would have. */
export function fillerImports(rng, vocab, { isTsx, isCommonJs }) {
  const lines = [];
  const count = rng.between(0, 4);
  const used = new Set();
  if (isTsx) {
    lines.push(
      isCommonJs
        ? `const React = require('react');`
        : `import { useEffect, useMemo, useState } from 'react';`,
    );
  }
  for (let i = 0; i < count; i++) {
    const [module, names] = rng.pick(PACKAGES);
    if (used.has(module) || (isTsx && module === 'react')) continue;
    used.add(module);
    const name = rng.pick(names);
    if (isCommonJs)
      lines.push(
        name === 'default'
          ? `const ${safeIdent(module)} = require('${module}');`
          : `const { ${name} } = require('${module}');`,
      );
    else
      lines.push(
        name === 'default'
          ? `import ${safeIdent(module)} from '${module}';`
          : `import { ${name} } from '${module}';`,
      );
  }
  const siblings = rng.between(0, 3);
  for (let i = 0; i < siblings; i++) {
    const sibling = rng.pick(NOUNS);
    const helper = `${rng.pick(VERBS)}${cap(sibling)}`;
    if (used.has(helper)) continue;
    used.add(helper);
    const path =
      rng.pick(['./', '../utils/', '../services/', '../../shared/']) +
      `${sibling}${rng.pick(['Utils', 'Service', 'Api', 'Helpers'])}`;
    lines.push(
      isCommonJs ? `const { ${helper} } = require('${path}');` : `import { ${helper} } from '${path}';`,
    );
  }
  return lines;
}

function safeIdent(module) {
  return module.replace(/[^a-zA-Z]/g, '').replace(/^./, (c) => c.toLowerCase()) || 'pkg';
}

/** Statements for a function body at `indent`: plain logic, no flag reads. */
export function statements(rng, vocab, count, indent, { typed = true } = {}) {
  const pad = ' '.repeat(indent);
  const t = (annotation) => (typed ? annotation : '');
  const lines = [];
  for (let i = 0; i < count; i++) {
    const { noun, Noun, other } = vocab;
    const n = rng.int(14);
    const v = `${rng.pick(ADJECTIVES)}${cap(rng.pick(NOUNS))}${i}`;
    switch (n) {
      case 0:
        lines.push(
          `${pad}const ${v} = ${noun}s.filter((item) => item.status === '${rng.pick(['open', 'closed', 'pending'])}').map((item) => item.id);`,
        );
        break;
      case 1:
        lines.push(
          `${pad}if (!${noun} || ${noun}.${rng.pick(['id', 'ownerId', 'region'])} === '') {`,
          `${pad}  throw new Error('${Noun} is missing a ${rng.pick(['reference', 'owner', 'region', 'currency'])}');`,
          `${pad}}`,
        );
        break;
      case 2:
        lines.push(
          `${pad}let ${v}${t(': number')} = 0;`,
          `${pad}for (const line of ${noun}.items ?? []) {`,
          `${pad}  ${v} += line.quantity * line.unitPriceCents;`,
          `${pad}}`,
        );
        break;
      case 3:
        lines.push(
          `${pad}const response = await fetch(\`/api/${other}s/\${${noun}.id}/${rng.pick(['history', 'summary', 'items', 'events'])}\`);`,
          `${pad}if (!response.ok) {`,
          `${pad}  logger.warn(\`${other} lookup failed: \${response.status}\`);`,
          `${pad}  return ${rng.pick(['undefined', 'null', '[]', 'fallback'])};`,
          `${pad}}`,
        );
        break;
      case 4:
        lines.push(
          `${pad}try {`,
          `${pad}  await ${rng.pick(VERBS)}${cap(other)}(${noun}.id, { retries: ${rng.between(1, 5)} });`,
          `${pad}} catch (error) {`,
          `${pad}  logger.error('could not ${rng.pick(VERBS)} ${other}', { error, id: ${noun}.id });`,
          `${pad}}`,
        );
        break;
      case 5:
        lines.push(
          `${pad}const ${v} = new Map${t(`<string, ${cap(other)}[]>`)}();`,
          `${pad}for (const entry of ${other}s) {`,
          `${pad}  const bucket = ${v}.get(entry.ownerId) ?? [];`,
          `${pad}  bucket.push(entry);`,
          `${pad}  ${v}.set(entry.ownerId, bucket);`,
          `${pad}}`,
        );
        break;
      case 6:
        lines.push(
          `${pad}switch (${noun}.status) {`,
          `${pad}  case 'open':`,
          `${pad}    return '${rng.pick(['Open', 'In progress', 'Awaiting review'])}';`,
          `${pad}  case 'closed':`,
          `${pad}    return 'Closed';`,
          `${pad}  default:`,
          `${pad}    return 'Pending';`,
          `${pad}}`,
        );
        break;
      case 7:
        lines.push(
          `${pad}const ${v} = {`,
          `${pad}  ...${noun},`,
          `${pad}  updatedAt: new Date(),`,
          `${pad}  version: (${noun}.version ?? 0) + 1,`,
          `${pad}};`,
        );
        break;
      case 8:
        lines.push(
          `${pad}const ${v} = Math.round((${noun}.amountCents ?? 0) * ${(rng.between(5, 25) / 100).toFixed(2)});`,
        );
        break;
      case 9:
        lines.push(
          `${pad}// ${rng.pick(['Keep', 'Preserve', 'Respect'])} the ${rng.pick(['ordering', 'rounding', 'time zone', 'currency'])} the ${other} service expects.`,
          `${pad}const ${v} = [...${other}s].sort((a, b) => a.${rng.pick(['priority', 'quantity', 'total'])} - b.${rng.pick(['priority', 'quantity', 'total'])});`,
        );
        break;
      case 10:
        lines.push(
          `${pad}if (${noun}.tags?.includes('${rng.pick(['vip', 'wholesale', 'internal', 'test'])}')) {`,
          `${pad}  metrics.increment('${noun}.${rng.pick(VERBS)}.${rng.pick(ADJECTIVES)}');`,
          `${pad}}`,
        );
        break;
      case 11:
        lines.push(`${pad}const ${v} = \`\${${noun}.id}-\${Date.now().toString(36)}\`;`);
        break;
      case 12:
        lines.push(
          `${pad}await queue.publish('${noun}.${rng.pick(['created', 'updated', 'archived', 'synced'])}', { id: ${noun}.id, at: Date.now() });`,
        );
        break;
      default:
        lines.push(`${pad}const ${v} = ${other}s.reduce((sum, entry) => sum + (entry.total ?? 0), 0);`);
    }
  }
  return lines;
}

function interfaceChunk(rng, vocab) {
  const name = `${vocab.Noun}${rng.pick(['', 'Summary', 'Details', 'Input', 'Row', 'Snapshot', 'Options'])}`;
  const fields = rng.shuffle([...FIELD_TYPES]).slice(0, rng.between(3, 9));
  return [
    `export interface ${name} {`,
    ...fields.map(([field, type]) => `  ${field}${rng.chance(0.2) ? '?' : ''}: ${type};`),
    '}',
  ];
}

function typeChunk(rng, vocab) {
  const values = rng.shuffle([...ADJECTIVES]).slice(0, rng.between(2, 5));
  return [
    `export type ${vocab.Noun}${rng.pick(['State', 'Kind', 'Filter', 'Mode'])} = ${values.map((v) => `'${v}'`).join(' | ')};`,
  ];
}

function constantsChunk(rng, vocab) {
  const name = `${vocab.noun.toUpperCase()}_${rng.pick(['LIMITS', 'DEFAULTS', 'LABELS', 'ROUTES'])}`;
  const entries = rng.between(2, 7);
  const lines = [`export const ${name} = {`];
  for (let i = 0; i < entries; i++) {
    const key = `${rng.pick(ADJECTIVES)}${cap(rng.pick(NOUNS))}`;
    lines.push(
      `  ${key}: ${rng.chance(0.5) ? rng.between(1, 500) : `'/${vocab.noun}s/${rng.pick(NOUNS)}'`},`,
    );
  }
  lines.push('};');
  return lines;
}

export function functionChunk(rng, vocab, { typed = true, exported = true } = {}) {
  const name = `${vocab.verb}${vocab.Noun}${rng.pick(['', 's', 'Batch', 'ForAccount', 'Totals', 'Details'])}${rng.int(100)}`;
  const isAsync = rng.chance(0.5);
  const params = typed
    ? `${vocab.noun}: ${vocab.Noun}, ${vocab.other}s: ${vocab.Other}[]`
    : `${vocab.noun}, ${vocab.other}s`;
  const returns = typed
    ? `: ${isAsync ? 'Promise<' : ''}${rng.pick(['string', 'number', 'boolean', `${vocab.Noun} | undefined`, 'void'])}${isAsync ? '>' : ''}`
    : '';
  const doc = rng.chance(0.4)
    ? [
        `/** ${cap(vocab.verb)}s the ${vocab.noun} ${rng.pick(['for the current account', 'before it is saved', 'for display', 'in one pass'])}. */`,
      ]
    : [];
  return [
    ...doc,
    `${exported ? 'export ' : ''}${isAsync ? 'async ' : ''}function ${name}(${params})${returns} {`,
    ...statements(rng, vocab, rng.between(2, 9), 2, { typed }),
    `  return ${rng.pick(['undefined', `${vocab.noun}.id`, `${vocab.other}s.length > 0`, `${vocab.noun}`])};`,
    '}',
  ];
}

function classChunk(rng, vocab, { typed = true } = {}) {
  const name = `${vocab.Noun}${rng.pick(['Service', 'Repository', 'Store', 'Manager', 'Client'])}`;
  const lines = [
    `export class ${name} {`,
    typed ? `  private readonly cache = new Map<string, ${vocab.Noun}>();` : '  cache = new Map();',
    '',
    typed
      ? `  constructor(private readonly http: HttpClient, private readonly ttlMs = ${rng.between(1, 60) * 1000}) {}`
      : `  constructor(http) {\n    this.http = http;\n  }`,
  ];
  const methods = rng.between(2, 5);
  for (let i = 0; i < methods; i++) {
    const method = `${rng.pick(VERBS)}${rng.pick(['', 'All', 'ById', 'Many', 'Latest'])}`;
    lines.push(
      '',
      `  async ${method}${i}(${typed ? `${vocab.noun}: ${vocab.Noun}, ${vocab.other}s: ${vocab.Other}[] = []` : `${vocab.noun}, ${vocab.other}s = []`}) {`,
    );
    lines.push(...statements(rng, vocab, rng.between(1, 5), 4, { typed }));
    lines.push(`    this.cache.set(${vocab.noun}.id, ${vocab.noun});`, `    return ${vocab.noun};`, '  }');
  }
  lines.push('}');
  return lines;
}

function componentChunk(rng, vocab, { typed = true } = {}) {
  const name = `${vocab.Noun}${rng.pick(['Card', 'List', 'Panel', 'Table', 'Row', 'Header', 'Form', 'Badge'])}${rng.int(50)}`;
  const props = typed
    ? `{ ${vocab.noun}, onSelect }: { ${vocab.noun}: ${vocab.Noun}; onSelect?: (id: string) => void }`
    : `{ ${vocab.noun}, onSelect }`;
  return [
    `export function ${name}(${props}) {`,
    `  const [expanded, setExpanded] = useState(${rng.chance(0.5)});`,
    `  const title = useMemo(() => \`\${${vocab.noun}.name ?? '${vocab.Noun}'} #\${${vocab.noun}.id}\`, [${vocab.noun}]);`,
    ...(rng.chance(0.5) ? [`  useEffect(() => {`, `    document.title = title;`, `  }, [title]);`] : []),
    '  return (',
    `    <section className="${vocab.noun}-${rng.pick(['card', 'panel', 'row'])}" data-id={${vocab.noun}.id}>`,
    `      <h3 onClick={() => setExpanded(!expanded)}>{title}</h3>`,
    `      {expanded && (`,
    `        <ul>`,
    `          {(${vocab.noun}.tags ?? []).map((tag) => (`,
    `            <li key={tag} onClick={() => onSelect?.(tag)}>`,
    `              {tag}`,
    `            </li>`,
    `          ))}`,
    `        </ul>`,
    `      )}`,
    `      <p className="muted">${rng.pick(['Updated', 'Created', 'Last synced'])} {String(${vocab.noun}.updatedAt ?? '')}</p>`,
    '    </section>',
    '  );',
    '}',
  ];
}

function testChunk(rng, vocab) {
  const cases = rng.between(1, 4);
  const lines = [`describe('${vocab.verb}${vocab.Noun}', () => {`];
  for (let i = 0; i < cases; i++) {
    lines.push(
      `  it('${rng.pick(['returns', 'keeps', 'drops', 'rejects', 'sorts'])} ${rng.pick(ADJECTIVES)} ${vocab.noun}s', async () => {`,
      `    const ${vocab.noun} = make${vocab.Noun}({ status: '${rng.pick(['open', 'closed', 'pending'])}', quantity: ${rng.between(1, 9)} });`,
      `    const result = await ${vocab.verb}${vocab.Noun}(${vocab.noun}, []);`,
      `    expect(result).${rng.pick(['toBeDefined()', 'toEqual(expected)', 'toBe(true)', 'toHaveLength(2)'])};`,
      '  });',
    );
  }
  lines.push('});');
  return lines;
}

/**
 * One chunk of top-level code suited to the file's kind.
 * @param {{ isTsx: boolean, isTest: boolean, typed: boolean }} kind
 */
export function fillerChunk(rng, vocab, kind) {
  if (kind.isTest)
    return rng.chance(0.8)
      ? testChunk(rng, vocab)
      : functionChunk(rng, vocab, { typed: kind.typed, exported: false });
  const table = kind.typed
    ? [
        [interfaceChunk, 2],
        [typeChunk, 1],
        [constantsChunk, 1],
        [functionChunk, 5],
        [classChunk, 2],
        [componentChunk, kind.isTsx ? 5 : 0],
      ]
    : [
        [constantsChunk, 1],
        [functionChunk, 5],
        [classChunk, 2],
        [componentChunk, kind.isTsx ? 4 : 0],
      ];
  return rng.weighted(table)(rng, vocab, { typed: kind.typed });
}

/** How many chunks a file gets: log-normal, so most files are small and a few are large (mean ~6.5). */
export function chunkCount(rng) {
  return Math.min(80, Math.max(1, Math.round(Math.exp(1.55 + 0.8 * rng.normal()))));
}

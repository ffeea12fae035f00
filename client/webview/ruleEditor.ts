/* The rule editor's page: plain DOM, VS Code theme variables, native keyboard-accessible controls.
 * It never edits files: it asks the extension to preview and apply structured edits. */
import type { FlagDetailsRequest, PreviewChangeRequest } from '../../shared/src/protocol';
import type { EditorToHost, HostToEditor } from '../../shared/src/ruleEditorMessages';

declare function acquireVsCodeApi(): { postMessage(message: EditorToHost): void };
const vscode = acquireVsCodeApi();

interface AttributeMatch {
  attribute: string;
  values: string[];
  variant: string;
}
interface Ladder {
  exclusions?: AttributeMatch;
  overrides: AttributeMatch[];
  prerequisites: { flag: string; variant: string; elseVariant: string }[];
  segments: { name: string; variant: string }[];
  timeWindow?: { from?: number; until?: number; variant: string };
  rollout?: { salt: string; weights: [string, number][] };
  fallback: string | null;
}

let details: FlagDetailsRequest.Result | null = null;
let requestCounter = 0;
let pending: { command: string; arguments: Record<string, unknown> } | undefined;
const app = document.getElementById('app') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function button(
  label: string,
  onClick: () => void,
  attributes: Record<string, string> = {},
): HTMLButtonElement {
  const node = el('button', { type: 'button', ...attributes }, label);
  node.addEventListener('click', onClick);
  return node;
}

function field(label: string, input: HTMLElement): HTMLLabelElement {
  return el('label', {}, el('span', {}, label), input);
}

function variantSelect(id: string, selected?: string): HTMLSelectElement {
  const select = el('select', { id });
  for (const name of Object.keys(details?.flag.variants ?? {})) {
    const option = el('option', { value: name }, name);
    if (name === selected) option.selected = true;
    select.append(option);
  }
  return select;
}

function section(title: string, ...children: (Node | string)[]): HTMLElement {
  return el('section', { 'aria-label': title }, el('h2', {}, title), ...children);
}

function showError(message: string): void {
  const box = document.getElementById('error');
  if (box) box.textContent = message;
}

/** Form input is checked here first: nothing invalid is ever sent to be written. */
function typedContext(): Record<string, unknown> | undefined | null {
  const input = document.getElementById('typed-context') as HTMLTextAreaElement | null;
  const text = input?.value.trim() ?? '';
  if (text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    input?.removeAttribute('aria-invalid');
    return parsed as Record<string, unknown>;
  } catch {
    input?.setAttribute('aria-invalid', 'true');
    showError('The context must be a JSON object, e.g. {"targetingKey": "u-1", "email": "ada@acme.com"}.');
    return null;
  }
}

function propose(command: string, args: Record<string, unknown>): void {
  showError('');
  pending = { command, arguments: args };
  const context = typedContext();
  if (context === null) return;
  const requestId = ++requestCounter;
  vscode.postMessage({
    type: 'preview',
    requestId,
    command,
    arguments: args,
    contexts: context ? { 'typed context': context } : undefined,
  });
  const save = document.getElementById('save') as HTMLButtonElement | null;
  if (save) save.disabled = false;
}

function apply(command: string, args: Record<string, unknown>): void {
  showError('');
  vscode.postMessage({ type: 'apply', command, arguments: args });
}

function renderPreview(result: PreviewChangeRequest.Result | null): void {
  const box = document.getElementById('preview');
  if (!box) return;
  box.replaceChildren();
  if (!result) return;
  if (result.error) {
    showError(result.error);
    const save = document.getElementById('save') as HTMLButtonElement | null;
    if (save) save.disabled = true;
    return;
  }
  box.append(
    el('p', { id: 'preview-description' }, result.description),
    ...result.preview.map((entry) => el('p', {}, `${entry.env}: ${entry.before} → ${entry.after}`)),
  );
  const table = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, el('th', {}, 'context'), el('th', {}, 'before'), el('th', {}, 'after'))),
  );
  const body = el('tbody');
  for (const row of result.evaluations) {
    const changed = row.before !== row.after;
    body.append(
      el(
        'tr',
        changed ? { class: 'changed' } : {},
        el('td', {}, row.context),
        el('td', {}, row.before ?? '—'),
        el('td', {}, row.after ?? '—'),
      ),
    );
  }
  table.append(body);
  box.append(table);
}

function percentOf(ladder: Ladder, variant: string): number {
  const weights = ladder.rollout?.weights ?? [];
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const own = weights.find(([name]) => name === variant)?.[1] ?? 0;
  return total > 0 ? Math.round((own / total) * 1000) / 10 : 0;
}

function render(): void {
  app.replaceChildren();
  if (!details) {
    app.append(el('p', {}, 'This flag is not defined in this environment.'));
    return;
  }
  const { flag, env } = details;
  const environment = flag.environments.find((candidate) => candidate.env === env);
  const ladder = details.ladder as Ladder | null;
  const variants = Object.keys(flag.variants);
  const rolloutVariant = variants.includes('on')
    ? 'on'
    : (variants.find((name) => name !== environment?.defaultVariant) ?? variants[0]);

  app.append(
    el(
      'header',
      {},
      el('h1', {}, flag.key),
      el(
        'span',
        { class: environment?.protected ? 'badge protected' : 'badge' },
        environment?.protected ? `${env} · protected` : env,
      ),
      el('p', { class: 'serving', id: 'serving' }, environment?.serving ?? ''),
    ),
    el('pre', { class: 'rules', id: 'rules' }, (environment?.rules ?? []).join('\n')),
    el('p', { id: 'error', role: 'alert', class: 'error' }),
  );

  const killSwitch = button(
    environment?.state === 'DISABLED' ? 'Enable flag' : 'Disable flag (kill switch)',
    () => apply('flaglens.toggle', { enabled: environment?.state === 'DISABLED' }),
    { id: 'kill-switch' },
  );
  const defaultSelect = variantSelect('default-variant', environment?.defaultVariant ?? undefined);
  app.append(
    section(
      'State',
      el(
        'p',
        {},
        environment?.state === 'DISABLED' ? 'Disabled: callers get their code default.' : 'Enabled.',
      ),
      killSwitch,
    ),
    section(
      'Default variant',
      field('Serve by default', defaultSelect),
      button('Preview', () => propose('flaglens.setDefaultVariant', { variant: defaultSelect.value })),
    ),
  );

  if (!ladder) {
    app.append(
      section(
        'Custom targeting',
        el(
          'p',
          {},
          'This targeting is not in the ladder shape Flaglens edits structurally. It is shown and previewed above; edit it as JSON in the registry file.',
        ),
      ),
    );
  } else {
    // Percentage rollout: a slider for one variant keeps users sticky (order and total kept).
    const slider = el('input', {
      type: 'range',
      min: '0',
      max: '100',
      step: '1',
      id: 'rollout-percent',
      value: String(percentOf(ladder, rolloutVariant)),
      'aria-label': `Percentage of users who get ${rolloutVariant}`,
    });
    const number = el('input', {
      type: 'number',
      min: '0',
      max: '100',
      step: '0.1',
      id: 'rollout-number',
      value: slider.value,
    });
    const rolloutTarget = variantSelect('rollout-variant', rolloutVariant);
    const proposeRollout = (value: string) => {
      const percent = Number(value);
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
        showError('The percentage must be between 0 and 100.');
        return;
      }
      slider.value = String(percent);
      number.value = String(percent);
      propose('flaglens.setRollout', { variant: rolloutTarget.value, percent });
    };
    slider.addEventListener('input', () => proposeRollout(slider.value));
    number.addEventListener('change', () => proposeRollout(number.value));
    const canary = el(
      'div',
      { class: 'row', role: 'group', 'aria-label': 'Canary steps' },
      ...[1, 5, 25, 100].map((step) =>
        button(`${step}%`, () => proposeRollout(String(step)), {
          class: 'secondary',
          'data-step': String(step),
        }),
      ),
    );
    const weights = el('div', { class: 'weights' });
    for (const name of variants)
      weights.append(
        field(
          name,
          el('input', {
            type: 'number',
            min: '0',
            step: '1',
            'data-variant': name,
            value: String(ladder.rollout?.weights.find(([variant]) => variant === name)?.[1] ?? 0),
          }),
        ),
      );
    const proposeWeights = () => {
      const pairs = [...weights.querySelectorAll('input')].map(
        (input) => [input.dataset.variant ?? '', Number(input.value)] as [string, number],
      );
      if (
        pairs.some(([, weight]) => !Number.isFinite(weight) || weight < 0) ||
        pairs.every(([, weight]) => weight === 0)
      ) {
        showError('Weights must be 0 or more, and not all 0.');
        return;
      }
      propose('flaglens.setRollout', { weights: pairs });
    };
    app.append(
      section(
        'Percentage rollout',
        field('Variant', rolloutTarget),
        el('div', { class: 'row' }, slider, number, el('span', {}, '%')),
        el('h3', {}, 'Canary'),
        canary,
        el('h3', {}, 'Multivariate weights'),
        weights,
        button('Preview weights', proposeWeights, { class: 'secondary' }),
      ),
    );

    // Individual overrides and exclusions.
    const overrideList = el('ul', { id: 'overrides' });
    for (const override of ladder.overrides) {
      for (const value of override.values) {
        overrideList.append(
          el(
            'li',
            {},
            `${override.attribute} = ${value} → ${override.variant} `,
            button(
              'Remove',
              () => apply('flaglens.removeOverride', { attribute: override.attribute, value }),
              { class: 'link', 'aria-label': `Remove override ${value}` },
            ),
          ),
        );
      }
    }
    const overrideAttribute = el('input', { id: 'override-attribute', value: 'targetingKey' });
    const overrideValue = el('input', { id: 'override-value', placeholder: 'u-42' });
    const overrideVariant = variantSelect('override-variant', rolloutVariant);
    const exclusionList = el('ul', { id: 'exclusions' });
    for (const value of ladder.exclusions?.values ?? [])
      exclusionList.append(
        el(
          'li',
          {},
          `${ladder.exclusions?.attribute} = ${value} `,
          button(
            'Remove',
            () => apply('flaglens.removeExclusion', { attribute: ladder.exclusions?.attribute, value }),
            { class: 'link' },
          ),
        ),
      );
    const exclusionValue = el('input', { id: 'exclusion-value', placeholder: 'u-9' });
    const requireValue = (input: HTMLInputElement): string | undefined => {
      const value = input.value.trim();
      if (value === '') {
        showError('Enter a value first.');
        input.focus();
        return undefined;
      }
      return value;
    };
    app.append(
      section(
        'Individual overrides',
        overrideList,
        el(
          'div',
          { class: 'row' },
          field('Attribute', overrideAttribute),
          field('Value', overrideValue),
          field('Variant', overrideVariant),
        ),
        button('Preview override', () => {
          const value = requireValue(overrideValue);
          if (value)
            propose('flaglens.addOverride', {
              attribute: overrideAttribute.value.trim() || 'targetingKey',
              value,
              variant: overrideVariant.value,
            });
        }),
      ),
      section(
        'Exclusions',
        exclusionList,
        field('targetingKey', exclusionValue),
        button('Preview exclusion', () => {
          const value = requireValue(exclusionValue);
          if (value) propose('flaglens.addExclusion', { value });
        }),
      ),
    );

    // Segments: rings in order, geography, tenants.
    const segmentList = el('ol', { id: 'segments' });
    for (const segment of ladder.segments)
      segmentList.append(
        el(
          'li',
          {},
          `${segment.name} → ${segment.variant} `,
          button('Remove', () => apply('flaglens.removeSegment', { segment: segment.name }), {
            class: 'link',
          }),
        ),
      );
    const segmentSelect = el(
      'select',
      { id: 'segment-name' },
      ...details.segments.map((name) => el('option', { value: name }, name)),
    );
    const segmentVariant = variantSelect('segment-variant', rolloutVariant);
    const countries = el('input', { id: 'countries', placeholder: 'DE, FR, NL' });
    const countryVariant = variantSelect('country-variant', rolloutVariant);
    const tenants = el('input', { id: 'tenants', placeholder: 'acme, globex' });
    const tenantVariant = variantSelect('tenant-variant', rolloutVariant);
    app.append(
      section(
        'Segments and rings',
        el('p', {}, 'Segments are tried in order: add rings from the innermost (staff) outwards.'),
        segmentList,
        el('div', { class: 'row' }, field('Segment', segmentSelect), field('Variant', segmentVariant)),
        button(
          'Preview segment',
          () =>
            segmentSelect.value &&
            propose('flaglens.addSegment', { segment: segmentSelect.value, variant: segmentVariant.value }),
        ),
        el('h3', {}, 'Geographic'),
        el('div', { class: 'row' }, field('Countries', countries), field('Variant', countryVariant)),
        button('Preview countries', () => {
          const codes = countries.value
            .split(/[,\s]+/)
            .map((code) => code.trim().toUpperCase())
            .filter(Boolean);
          if (codes.length === 0 || codes.some((code) => !/^[A-Z]{2}$/.test(code))) {
            showError('Countries are two-letter codes separated by commas, e.g. DE, FR.');
            return;
          }
          propose('flaglens.addSegment', {
            segment: `country-${codes.join('-').toLowerCase()}`,
            variant: countryVariant.value,
            rule: { in: [{ var: 'country' }, codes] },
          });
        }),
        el('h3', {}, 'Tenants'),
        el('div', { class: 'row' }, field('Tenants', tenants), field('Variant', tenantVariant)),
        button('Preview tenants', () => {
          const ids = tenants.value
            .split(/[,\s]+/)
            .map((id) => id.trim())
            .filter(Boolean);
          if (ids.length === 0) {
            showError('Name at least one tenant.');
            return;
          }
          propose('flaglens.addSegment', {
            segment: `tenants-${ids.join('-')}`,
            variant: tenantVariant.value,
            rule: { in: [{ var: 'tenant' }, ids] },
          });
        }),
      ),
    );

    // Blue-green: switch everyone between two variants at once.
    const blueGreen = el(
      'div',
      { class: 'row', role: 'group', 'aria-label': 'Blue-green switch' },
      ...variants.map((name) =>
        button(`Everyone → ${name}`, () => propose('flaglens.setDefaultVariant', { variant: name }), {
          class: 'secondary',
        }),
      ),
    );
    app.append(
      section(
        'Blue-green switch',
        el('p', {}, 'Serve one variant by default; rules above still apply.'),
        blueGreen,
      ),
    );

    // Time window.
    const toLocal = (seconds?: number) =>
      seconds === undefined ? '' : new Date(seconds * 1000).toISOString().slice(0, 16);
    const from = el('input', {
      type: 'datetime-local',
      id: 'window-from',
      value: toLocal(ladder.timeWindow?.from),
    });
    const until = el('input', {
      type: 'datetime-local',
      id: 'window-until',
      value: toLocal(ladder.timeWindow?.until),
    });
    app.append(
      section(
        'Schedule (UTC)',
        el('div', { class: 'row' }, field('From', from), field('Until', until)),
        button('Preview schedule', () => {
          if (!from.value && !until.value) {
            showError('Set a start, an end or both.');
            return;
          }
          if (from.value && until.value && from.value >= until.value) {
            showError('The end must come after the start.');
            return;
          }
          propose('flaglens.setTimeWindow', {
            from: from.value ? `${from.value}:00Z` : undefined,
            until: until.value ? `${until.value}:00Z` : undefined,
          });
        }),
        button('Remove schedule', () => apply('flaglens.setTimeWindow', {}), { class: 'secondary' }),
      ),
    );

    // Prerequisites.
    const prerequisiteList = el('ul', { id: 'prerequisites' });
    for (const prerequisite of ladder.prerequisites)
      prerequisiteList.append(
        el(
          'li',
          {},
          `requires ${prerequisite.flag} = ${prerequisite.variant} `,
          button('Remove', () => apply('flaglens.removePrerequisite', { prerequisite: prerequisite.flag }), {
            class: 'link',
          }),
        ),
      );
    const prerequisiteFlag = el(
      'select',
      { id: 'prerequisite-flag' },
      ...details.flags.map((name) => el('option', { value: name }, name)),
    );
    const prerequisiteVariant = el('input', { id: 'prerequisite-variant', value: 'on' });
    app.append(
      section(
        'Prerequisites',
        prerequisiteList,
        el('div', { class: 'row' }, field('Flag', prerequisiteFlag), field('Variant', prerequisiteVariant)),
        button('Preview prerequisite', () => {
          const value = requireValue(prerequisiteVariant);
          if (value && prerequisiteFlag.value)
            propose('flaglens.setPrerequisite', { prerequisite: prerequisiteFlag.value, variant: value });
        }),
      ),
    );
  }

  const contextInput = el('textarea', {
    id: 'typed-context',
    rows: '3',
    placeholder: '{"targetingKey": "u-1", "email": "ada@acme.com"}',
  });
  contextInput.addEventListener('change', () => pending && propose(pending.command, pending.arguments));
  const save = button('Save', () => pending && apply(pending.command, pending.arguments), {
    id: 'save',
    class: 'primary',
  });
  save.disabled = true;
  app.append(
    section(
      'Live preview',
      field('What does this user get?', contextInput),
      el('div', { id: 'preview' }),
      save,
    ),
  );
}

window.addEventListener('message', (event: MessageEvent<HostToEditor>) => {
  const message = event.data;
  if (message.type === 'details') {
    details = message.details;
    pending = undefined;
    render();
  } else if (message.type === 'preview') {
    if (message.requestId === requestCounter) renderPreview(message.result);
  } else if (message.type === 'applied') {
    if (!message.outcome.applied && message.outcome.reason && message.outcome.reason !== 'cancelled')
      showError(message.outcome.reason);
  }
});

vscode.postMessage({ type: 'ready' });

/**
 * Harbor's tag retention policy (src/pkg/retention/policy): one per project, rules OR-ed (`algorithm: "or"`), each
 * rule a template (`latestPushedK`, `latestPulledN`, `nDaysSinceLastPush`, `nDaysSinceLastPull`, `always`) with its
 * parameter, tag selectors (doublestar `matches`/`excludes` with `{"untagged":…}` extras, or `label`
 * `withLabels`/`withoutLabels`) and repository selectors (`scope_selectors.repository`, doublestar
 * `repoMatches`/`repoExcludes`). A trigger of kind `Schedule` with `settings.cron` (six fields, or empty for
 * manual runs only). Pure: parsing and validation of the wire shape, no I/O.
 */
import { InvalidError } from './errors.js';

export const MAX_RETENTION_RULES = 15;
export const RETENTION_ALGORITHM = 'or';
export const RETAIN_ACTION = 'retain';
export const SCHEDULE_TRIGGER = 'Schedule';

export const TEMPLATES = [
  'latestPushedK',
  'latestPulledN',
  'nDaysSinceLastPush',
  'nDaysSinceLastPull',
  'always',
] as const;
export type RetentionTemplate = (typeof TEMPLATES)[number];

/** Each template's one parameter (its own name), its unit and Harbor's upper bound; `always` has none. */
export const TEMPLATE_PARAMS: Readonly<
  Record<RetentionTemplate, { readonly unit: 'COUNT' | 'DAYS'; readonly max: number } | undefined>
> = {
  latestPushedK: { unit: 'COUNT', max: 32766 },
  latestPulledN: { unit: 'COUNT', max: 32766 },
  nDaysSinceLastPush: { unit: 'DAYS', max: 20190904 },
  nDaysSinceLastPull: { unit: 'DAYS', max: 20190904 },
  always: undefined,
};

/** The display texts of Harbor's `/retentions/metadatas`. */
export const TEMPLATE_TEXTS: Readonly<Record<RetentionTemplate, string>> = {
  latestPushedK: 'the most recently pushed # artifacts',
  latestPulledN: 'the most recently pulled # artifacts',
  nDaysSinceLastPush: 'pushed within the last # days',
  nDaysSinceLastPull: 'pulled within the last # days',
  always: 'always',
};

export type TagSelectorKind = 'doublestar' | 'label';
export const TAG_SELECTOR_DECORATIONS: Readonly<Record<TagSelectorKind, readonly string[]>> = {
  doublestar: ['matches', 'excludes'],
  label: ['withLabels', 'withoutLabels'],
};
export const REPOSITORY_SELECTOR_DECORATIONS = ['repoMatches', 'repoExcludes'] as const;

/** Harbor's retention selector, as on the wire. */
export interface RetentionSelector {
  readonly kind: string;
  readonly decoration: string;
  readonly pattern: string;
  /** JSON, e.g. `{"untagged":true}`, kept as given. */
  readonly extras?: string;
}

export interface RetentionRule {
  readonly id: number;
  readonly priority: number;
  readonly disabled: boolean;
  readonly action: string;
  readonly template: RetentionTemplate;
  readonly params: Readonly<Record<string, unknown>>;
  readonly tag_selectors: readonly RetentionSelector[];
  readonly scope_selectors: { readonly repository: readonly RetentionSelector[] };
}

export interface RetentionTrigger {
  readonly kind: string;
  readonly settings: { readonly cron?: string };
  readonly references?: Readonly<Record<string, unknown>>;
}

/** What is stored of a policy: everything but its id and scope (the project). */
export interface RetentionPolicyData {
  readonly algorithm: string;
  readonly rules: readonly RetentionRule[];
  readonly trigger: RetentionTrigger;
}

export interface RetentionPolicy extends RetentionPolicyData {
  readonly id: number;
  readonly projectId: number;
}

type Json = Readonly<Record<string, unknown>>;

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function selectorOf(value: unknown, where: string, decorationsOf: (kind: string) => readonly string[] | undefined) {
  if (!isObject(value)) throw invalid(`${where} must be an object`);
  const { kind, decoration, pattern, extras } = value;
  const decorations = typeof kind === 'string' ? decorationsOf(kind) : undefined;
  if (!decorations) throw invalid(`${where}.kind ${JSON.stringify(kind)} is not supported`);
  if (typeof decoration !== 'string' || !decorations.includes(decoration)) {
    throw invalid(`${where}.decoration must be one of ${decorations.join(', ')}`);
  }
  if (typeof pattern !== 'string' || pattern === '') throw invalid(`${where}.pattern is required`);
  if (extras !== undefined && extras !== null && extras !== '') {
    if (typeof extras !== 'string') throw invalid(`${where}.extras must be a JSON string`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(extras);
    } catch {
      throw invalid(`${where}.extras must be JSON, such as {"untagged":true}`);
    }
    if (!isObject(parsed) || (parsed.untagged !== undefined && typeof parsed.untagged !== 'boolean')) {
      throw invalid(`${where}.extras must be an object whose untagged is a boolean`);
    }
  }
  const selector: RetentionSelector = { kind: kind as string, decoration, pattern };
  return typeof extras === 'string' && extras !== '' ? { ...selector, extras } : selector;
}

function selectorsOf(value: unknown, where: string, decorationsOf: (kind: string) => readonly string[] | undefined) {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${where} needs at least one selector`);
  return value.map((item, i) => selectorOf(item, `${where}[${i}]`, decorationsOf));
}

const tagDecorations = (kind: string) => TAG_SELECTOR_DECORATIONS[kind as TagSelectorKind];
const repositoryDecorations = (kind: string) => (kind === 'doublestar' ? REPOSITORY_SELECTOR_DECORATIONS : undefined);

function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

function paramsOf(template: RetentionTemplate, value: unknown, where: string): Json {
  if (value !== undefined && value !== null && !isObject(value)) throw invalid(`${where}.params must be an object`);
  const spec = TEMPLATE_PARAMS[template];
  if (!spec) return {};
  const raw = (value ?? {})[template];
  if (raw === undefined || raw === null) throw invalid(`${where}.params.${template} is required`);
  const n = integerOf(raw);
  if (n === undefined) throw invalid(`${template} type error`);
  if (n < 0) throw invalid(`${template} is less than zero`);
  if (n > spec.max) throw invalid(`${template} is too large`);
  return { [template]: n };
}

function ruleOf(value: unknown, index: number): RetentionRule {
  const where = `rules[${index}]`;
  if (!isObject(value)) throw invalid(`${where} must be an object`);
  const { priority, disabled, action, template, params, tag_selectors: tags, scope_selectors: scopes } = value;
  if (typeof template !== 'string' || !(TEMPLATES as readonly string[]).includes(template)) {
    throw invalid(`${where}.template must be one of ${TEMPLATES.join(', ')}`);
  }
  if (action !== undefined && action !== RETAIN_ACTION) throw invalid(`${where}.action must be ${RETAIN_ACTION}`);
  if (priority !== undefined && integerOf(priority) === undefined)
    throw invalid(`${where}.priority must be an integer`);
  if (disabled !== undefined && typeof disabled !== 'boolean') throw invalid(`${where}.disabled must be a boolean`);
  if (!isObject(scopes)) throw invalid(`${where}.scope_selectors must be an object with a repository selector`);
  const extra = Object.keys(scopes).filter((k) => k !== 'repository');
  if (extra.length > 0) throw invalid(`${where}.scope_selectors may name only repository, not ${extra.join(', ')}`);
  const t = template as RetentionTemplate;
  return {
    id: index + 1,
    priority: integerOf(priority) ?? 0,
    disabled: disabled ?? false,
    action: RETAIN_ACTION,
    template: t,
    params: paramsOf(t, params, where),
    tag_selectors: selectorsOf(tags, `${where}.tag_selectors`, tagDecorations),
    scope_selectors: {
      repository: selectorsOf(scopes.repository, `${where}.scope_selectors.repository`, repositoryDecorations),
    },
  };
}

function triggerOf(value: unknown, checkCron: (cron: string) => void): RetentionTrigger {
  if (value === undefined || value === null) return { kind: SCHEDULE_TRIGGER, settings: {} };
  if (!isObject(value)) throw invalid('trigger must be an object');
  const { kind, settings, references } = value;
  if (kind !== undefined && kind !== '' && kind !== SCHEDULE_TRIGGER) {
    throw invalid(`not support Trigger ${JSON.stringify(kind)}`);
  }
  if (settings !== undefined && settings !== null && !isObject(settings))
    throw invalid('trigger.settings must be an object');
  const cron = settings?.cron;
  if (cron !== undefined && cron !== null && typeof cron !== 'string')
    throw invalid('trigger.settings.cron must be a string');
  const trimmed = typeof cron === 'string' ? cron.trim() : '';
  if (trimmed) checkCron(trimmed);
  return {
    kind: SCHEDULE_TRIGGER,
    settings: trimmed ? { cron: trimmed } : {},
    ...(isObject(references) ? { references } : {}),
  };
}

/**
 * Harbor's RetentionPolicy body checked and normalised (400 InvalidError otherwise): `algorithm` "or" (the default),
 * at most 15 rules, each rule's template known with its parameter an integer in Harbor's range, selectors of the
 * supported kinds and decorations, a `Schedule` trigger whose cron (if any) `checkCron` accepts. The scope is read
 * by the caller (`scopeOf`). Rules get ids 1…n in order.
 */
export function policyDataOf(body: Json, checkCron: (cron: string) => void): RetentionPolicyData {
  const { algorithm, rules } = body;
  if (algorithm !== undefined && algorithm !== RETENTION_ALGORITHM) {
    throw invalid(`algorithm ${JSON.stringify(algorithm)} is not supported; use or`);
  }
  if (rules !== undefined && rules !== null && !Array.isArray(rules)) throw invalid('rules must be an array');
  const list = (rules ?? []) as unknown[];
  if (list.length > MAX_RETENTION_RULES) throw invalid(`only ${MAX_RETENTION_RULES} rules are allowed at most`);
  return {
    algorithm: RETENTION_ALGORITHM,
    rules: list.map(ruleOf),
    trigger: triggerOf(body.trigger, checkCron),
  };
}

/** The index of the first rule that repeats an earlier one (all but the id), with that earlier one's; Harbor: 409. */
export function conflictingRules(rules: readonly RetentionRule[]): [number, number] | undefined {
  const seen = new Map<string, number>();
  for (const [n, rule] of rules.entries()) {
    const key = JSON.stringify({ ...rule, id: 0 });
    const earlier = seen.get(key);
    if (earlier !== undefined) return [n, earlier];
    seen.set(key, n);
  }
  return undefined;
}

/** The body's `scope`: Harbor's `{level: "project", ref: <project id>}`; 400 otherwise. */
export function scopeOf(body: Json): number {
  const scope = body.scope;
  if (!isObject(scope)) throw invalid('scope is required: {"level":"project","ref":<project id>}');
  if (scope.level !== 'project') throw invalid(`scope ${String(scope.level)} is not support`);
  const ref = integerOf(scope.ref);
  if (ref === undefined || ref <= 0) throw invalid(`invalid Project id ${String(scope.ref)}`);
  return ref;
}

/** The cron a policy schedules, if any. */
export function cronOf(policy: RetentionPolicyData): string | undefined {
  return policy.trigger.settings.cron || undefined;
}

/**
 * The rule builder's model of a flagd targeting rule, and its translation to and from JsonLogic: an ordered list
 * of "if <attribute> <operator> <value> then <variant>", and a fallback that is a variant or a percentage rollout.
 * Targeting the builder cannot express is left to the JSON view.
 */
export type Operator = '==' | '!=' | 'in' | 'not in' | 'starts_with' | 'ends_with' | '>' | '<' | 'sem_ver >='
  | 'sem_ver <' | 'sem_ver ^' | 'sem_ver ~';

export const OPERATORS: { value: Operator; label: string }[] = [
  { value: '==', label: 'equals' },
  { value: '!=', label: 'does not equal' },
  { value: 'in', label: 'is one of' },
  { value: 'not in', label: 'is none of' },
  { value: 'starts_with', label: 'starts with' },
  { value: 'ends_with', label: 'ends with' },
  { value: '>', label: '>' },
  { value: '<', label: '<' },
  { value: 'sem_ver >=', label: 'version ≥' },
  { value: 'sem_ver <', label: 'version <' },
  { value: 'sem_ver ^', label: 'version same major' },
  { value: 'sem_ver ~', label: 'version same minor' },
];

export interface Rule {
  attribute: string;
  operator: Operator;
  /** Comma-separated for lists. */
  value: string;
  variant: string;
}

export interface Rollout {
  /** Variant → percentage (summing to 100); empty: no rollout, the fallback variant. */
  shares: [string, number][];
  /** The attribute bucketed on; flagd's default is the targeting key. */
  bucketBy: string;
}

export interface Targeting {
  rules: Rule[];
  rollout: Rollout;
  /** The variant when no rule matches and there is no rollout (null: the flag's default variant). */
  fallback: string | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function literal(value: string): Json {
  const trimmed = value.trim();
  if (trimmed !== '' && !Number.isNaN(Number(trimmed))) {
    return Number(trimmed);
  }
  return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
}

function list(value: string): Json[] {
  return value.split(',').map((v) => literal(v)).filter((v) => v !== '');
}

export function condition(rule: Rule): Json {
  const attribute = { var: rule.attribute };
  switch (rule.operator) {
    case 'in':
      return { in: [attribute, list(rule.value)] };
    case 'not in':
      return { '!': { in: [attribute, list(rule.value)] } };
    case 'starts_with':
    case 'ends_with':
      return { [rule.operator]: [attribute, rule.value] };
    case 'sem_ver >=':
    case 'sem_ver <':
    case 'sem_ver ^':
    case 'sem_ver ~':
      return { sem_ver: [attribute, rule.operator.slice(8), rule.value.trim()] };
    default:
      return { [rule.operator]: [attribute, literal(rule.value)] };
  }
}

function rolloutLogic(rollout: Rollout): Json {
  const buckets: Json[] = rollout.shares.map(([variant, share]) => [variant, share]);
  return rollout.bucketBy ? { fractional: [{ var: rollout.bucketBy }, ...buckets] } : { fractional: buckets };
}

/** JsonLogic for the builder's state, or null when it targets no one specially (the default variant serves). */
export function toTargeting(targeting: Targeting): Json | null {
  const tail: Json | null = targeting.rollout.shares.length ? rolloutLogic(targeting.rollout) : targeting.fallback;
  if (!targeting.rules.length) {
    return tail === null ? null : typeof tail === 'string' ? { if: [true, tail] } : tail;
  }
  const branches: Json[] = [];
  for (const rule of targeting.rules) {
    branches.push(condition(rule), rule.variant);
  }
  if (tail !== null) {
    branches.push(tail);
  }
  return { if: branches };
}

function parseCondition(logic: Json): Omit<Rule, 'variant'> | null {
  if (!logic || typeof logic !== 'object' || Array.isArray(logic)) {
    return null;
  }
  const [op, args] = Object.entries(logic)[0] ?? [];
  if (op === '!' && args && typeof args === 'object' && !Array.isArray(args) && 'in' in args) {
    const inner = parseCondition(args);
    return inner && inner.operator === 'in' ? { ...inner, operator: 'not in' } : null;
  }
  if (!Array.isArray(args) || !args.length) {
    return null;
  }
  const first = args[0];
  if (!first || typeof first !== 'object' || Array.isArray(first) || typeof first.var !== 'string') {
    return null;
  }
  const attribute = first.var;
  if (op === 'in' && Array.isArray(args[1])) {
    return { attribute, operator: 'in', value: args[1].join(', ') };
  }
  if (op === 'sem_ver' && args.length === 3 && ['>=', '<', '^', '~'].includes(String(args[1]))) {
    return { attribute, operator: `sem_ver ${args[1]}` as Operator, value: String(args[2]) };
  }
  if (['==', '!=', '>', '<', 'starts_with', 'ends_with'].includes(op) && args.length === 2
    && (typeof args[1] !== 'object' || args[1] === null)) {
    return { attribute, operator: op as Operator, value: String(args[1]) };
  }
  return null;
}

function parseRollout(logic: Json): Rollout | null {
  if (!logic || typeof logic !== 'object' || Array.isArray(logic) || !Array.isArray(logic.fractional)) {
    return null;
  }
  let buckets = logic.fractional;
  let bucketBy = '';
  const head = buckets[0];
  if (head && typeof head === 'object' && !Array.isArray(head) && typeof head.var === 'string') {
    bucketBy = head.var;
    buckets = buckets.slice(1);
  }
  const shares: [string, number][] = [];
  for (const bucket of buckets) {
    if (!Array.isArray(bucket) || typeof bucket[0] !== 'string' || typeof bucket[1] !== 'number') {
      return null;
    }
    shares.push([bucket[0], bucket[1]]);
  }
  return { shares, bucketBy };
}

/** The builder's state for a flag's targeting, or null when the rule is beyond the builder (edit it as JSON). */
export function fromTargeting(logic: Json | undefined): Targeting | null {
  const none: Rollout = { shares: [], bucketBy: '' };
  if (logic === undefined || logic === null || (typeof logic === 'object' && !Array.isArray(logic)
    && Object.keys(logic).length === 0)) {
    return { rules: [], rollout: none, fallback: null };
  }
  const rollout = parseRollout(logic);
  if (rollout) {
    return { rules: [], rollout, fallback: null };
  }
  if (typeof logic !== 'object' || Array.isArray(logic) || !Array.isArray(logic.if)) {
    return null;
  }
  const branches = logic.if;
  if (branches.length === 2 && branches[0] === true && typeof branches[1] === 'string') {
    return { rules: [], rollout: none, fallback: branches[1] };
  }
  const rules: Rule[] = [];
  let i = 0;
  for (; i + 1 < branches.length; i += 2) {
    const parsed = parseCondition(branches[i]);
    if (!parsed || typeof branches[i + 1] !== 'string') {
      return null;
    }
    rules.push({ ...parsed, variant: branches[i + 1] as string });
  }
  if (i < branches.length) {
    const tail = branches[i];
    if (typeof tail === 'string') {
      return { rules, rollout: none, fallback: tail };
    }
    const tailRollout = parseRollout(tail);
    return tailRollout ? { rules, rollout: tailRollout, fallback: null } : null;
  }
  return { rules, rollout: none, fallback: null };
}

/** A condition every listed test must pass (experiment targeting), or null for everyone. */
export function toCondition(tests: Omit<Rule, 'variant'>[]): Json | null {
  const parts = tests.filter((t) => t.attribute.trim() !== '').map((t) => condition({ ...t, variant: '' }));
  return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { and: parts };
}

/** The tests of a condition the builder wrote (one test, or an "and" of tests); null when beyond it. */
export function fromCondition(logic: Json | undefined): Omit<Rule, 'variant'>[] | null {
  if (logic === undefined || logic === null) {
    return [];
  }
  const parts = typeof logic === 'object' && !Array.isArray(logic) && Array.isArray(logic.and) ? logic.and : [logic];
  const tests = parts.map(parseCondition);
  return tests.every((t) => t !== null) ? tests as Omit<Rule, 'variant'>[] : null;
}

/** A line diff of two texts (longest common subsequence): what a save will change. */
export function lineDiff(before: string, after: string): { kind: ' ' | '-' | '+'; text: string }[] {
  const a = before ? before.split('\n') : [];
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: { kind: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i++] });
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push({ kind: '+', text: b[j++] });
    } else {
      out.push({ kind: '-', text: a[i++] });
    }
  }
  return out;
}

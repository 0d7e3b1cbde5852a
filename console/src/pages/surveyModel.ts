/**
 * A survey's definition as the builder edits it (docs/feedback.md): questions of every type with their branches,
 * targeting, schedule and frequency; and the definition JSON the API takes, with only what is set.
 */

export const QUESTION_TYPES = ['nps', 'csat', 'ces', 'rating', 'single_choice', 'multiple_choice', 'open_text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface Branch {
  min?: number;
  max?: number;
  anyOf?: string[];
  next: string;
}

export interface Question {
  id: string;
  type: QuestionType;
  text: string;
  optional?: boolean;
  choices?: string[];
  allowOther?: boolean;
  scale?: number;
  display?: 'number' | 'emoji';
  branches?: Branch[];
}

export interface Definition {
  name: string;
  questions: Question[];
  targeting?: {
    condition?: unknown;
    url?: { match: 'exact' | 'contains' | 'regex'; value: string };
    devices?: string[];
    events?: string[];
    sampling?: number;
  };
  schedule?: { startAt?: string; endAt?: string };
  frequency?: 'once' | { everyDays: number };
  waitDays?: number;
  priority?: number;
}

/** The scores a numeric question takes (nps 0-10, csat 1-5, ces 1-7, rating 1..scale); none for others. */
export function scores(question: Question): number[] {
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  switch (question.type) {
    case 'nps':
      return range(0, 10);
    case 'csat':
      return range(1, 5);
    case 'ces':
      return range(1, 7);
    case 'rating':
      return range(1, question.scale ?? 5);
    default:
      return [];
  }
}

export function isChoice(type: QuestionType): boolean {
  return type === 'single_choice' || type === 'multiple_choice';
}

/** A new question of a type, with what that type needs. */
export function newQuestion(type: QuestionType, taken: string[]): Question {
  let n = taken.length + 1;
  while (taken.includes(`q${n}`)) {
    n++;
  }
  const question: Question = { id: `q${n}`, type, text: '' };
  if (isChoice(type)) {
    question.choices = ['', ''];
  }
  if (type === 'rating') {
    question.scale = 5;
    question.display = 'number';
  }
  return question;
}

/** Changing a question's type keeps its id and text; the type's own fields start afresh, branches go. */
export function retype(question: Question, type: QuestionType): Question {
  return { ...newQuestion(type, []), id: question.id, text: question.text, optional: question.optional };
}

/**
 * The next question after an answer, as the server decides it: the first matching branch, else the next question;
 * null at the end.
 */
export function nextAfter(definition: Definition, index: number, answer: number | string[] | string): string | null {
  const question = definition.questions[index];
  for (const branch of question.branches ?? []) {
    const matches = typeof answer === 'number'
      ? (branch.min === undefined || answer >= branch.min) && (branch.max === undefined || answer <= branch.max)
      : Array.isArray(answer) && branch.anyOf ? branch.anyOf.some((choice) => answer.includes(choice))
        : branch.min === undefined && branch.max === undefined && !branch.anyOf;
    if (matches) {
      return branch.next === 'end' ? null : branch.next;
    }
  }
  return definition.questions[index + 1]?.id ?? null;
}

/** The definition as the API takes it: empty parts left out, choices trimmed. */
export function toJson(definition: Definition): Definition {
  const questions = definition.questions.map((q) => {
    const out: Question = { id: q.id.trim(), type: q.type, text: q.text };
    if (q.optional) out.optional = true;
    if (isChoice(q.type)) {
      out.choices = (q.choices ?? []).map((c) => c.trim()).filter(Boolean);
      if (q.allowOther) out.allowOther = true;
    }
    if (q.type === 'rating') {
      out.scale = q.scale ?? 5;
      out.display = q.display ?? 'number';
    }
    if (q.branches?.length) out.branches = q.branches;
    return out;
  });
  const out: Definition = { name: definition.name, questions };
  const t = definition.targeting ?? {};
  const targeting: NonNullable<Definition['targeting']> = {};
  if (t.condition !== undefined && t.condition !== null && t.condition !== '') targeting.condition = t.condition;
  if (t.url?.value) targeting.url = t.url;
  if (t.devices?.length) targeting.devices = t.devices;
  if (t.events?.length) targeting.events = t.events;
  if (t.sampling !== undefined && t.sampling < 1) targeting.sampling = t.sampling;
  if (Object.keys(targeting).length) out.targeting = targeting;
  if (definition.schedule?.startAt || definition.schedule?.endAt) {
    out.schedule = Object.fromEntries(Object.entries(definition.schedule).filter(([, v]) => v));
  }
  if (definition.frequency && definition.frequency !== 'once') out.frequency = definition.frequency;
  if (definition.waitDays) out.waitDays = definition.waitDays;
  if (definition.priority) out.priority = definition.priority;
  return out;
}

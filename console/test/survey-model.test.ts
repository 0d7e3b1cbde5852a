import { describe, expect, it } from 'vitest';

import { type Definition, newQuestion, nextAfter, retype, scores, toJson } from '../src/pages/surveyModel';

const SURVEY: Definition = { name: 'NPS', questions: [
  { id: 'score', type: 'nps', text: 'Recommend?', branches: [{ max: 6, next: 'why' }, { min: 9, next: 'end' }] },
  { id: 'plan', type: 'single_choice', text: 'Plan?', choices: [' free ', 'pro', ''], branches: [
    { anyOf: ['pro'], next: 'end' }] },
  { id: 'why', type: 'open_text', text: 'Why?', optional: true },
] };

describe('the survey builder', () => {
  it('follows branches as the server does: first match, else the next question', () => {
    expect(nextAfter(SURVEY, 0, 3)).toBe('why');
    expect(nextAfter(SURVEY, 0, 10)).toBeNull();
    expect(nextAfter(SURVEY, 0, 7)).toBe('plan');
    expect(nextAfter(SURVEY, 1, ['pro'])).toBeNull();
    expect(nextAfter(SURVEY, 1, ['free'])).toBe('why');
    expect(nextAfter(SURVEY, 2, 'text')).toBeNull();
  });

  it('knows each type\'s scores and starts a type afresh', () => {
    expect(scores(SURVEY.questions[0])).toHaveLength(11);
    expect(scores({ id: 'c', type: 'ces', text: '' })).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(scores(SURVEY.questions[1])).toEqual([]);
    expect(newQuestion('rating', ['q1'])).toEqual({ id: 'q2', type: 'rating', text: '', scale: 5, display: 'number' });
    expect(retype(SURVEY.questions[0], 'multiple_choice')).toEqual({ id: 'score', type: 'multiple_choice',
      text: 'Recommend?', choices: ['', ''], optional: undefined });
  });

  it('sends only what is set', () => {
    const json = toJson({ ...SURVEY, targeting: { sampling: 1, devices: [], url: { match: 'contains', value: '' },
      condition: { '==': [{ var: 'plan' }, 'pro'] } }, frequency: 'once', schedule: { startAt: '2026-12-01T00:00:00Z' } });
    expect(json.questions[1].choices).toEqual(['free', 'pro']);
    expect(json.targeting).toEqual({ condition: { '==': [{ var: 'plan' }, 'pro'] } });
    expect(json.schedule).toEqual({ startAt: '2026-12-01T00:00:00Z' });
    expect(json.frequency).toBeUndefined();
    expect(json.questions[2]).toEqual({ id: 'why', type: 'open_text', text: 'Why?', optional: true });
  });
});

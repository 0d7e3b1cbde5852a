import { describe, expect, it } from 'vitest';

import { fromTargeting, lineDiff, type Targeting, toTargeting } from '../src/flagRules';

const none = { shares: [] as [string, number][], bucketBy: '' };

describe('the rule builder and flagd targeting', () => {
  it('writes rules, then a percentage rollout, as one flagd if', () => {
    const targeting: Targeting = {
      rules: [
        { attribute: 'email', operator: 'ends_with', value: '@example.com', variant: 'on' },
        { attribute: 'country', operator: 'in', value: 'NL, BE', variant: 'off' },
        { attribute: 'appVersion', operator: 'sem_ver >=', value: '2.1.0', variant: 'on' },
      ],
      rollout: { shares: [['on', 20], ['off', 80]], bucketBy: '' },
      fallback: null,
    };
    const logic = toTargeting(targeting);
    expect(logic).toEqual({ if: [
      { ends_with: [{ var: 'email' }, '@example.com'] }, 'on',
      { in: [{ var: 'country' }, ['NL', 'BE']] }, 'off',
      { sem_ver: [{ var: 'appVersion' }, '>=', '2.1.0'] }, 'on',
      { fractional: [['on', 20], ['off', 80]] },
    ] });
    expect(fromTargeting(logic)).toEqual(targeting);
  });

  it('reads numbers and booleans as such, and a bare rollout with its bucketing attribute', () => {
    const logic = toTargeting({ rules: [{ attribute: 'age', operator: '>', value: '17', variant: 'adult' }],
      rollout: none, fallback: 'child' });
    expect(logic).toEqual({ if: [{ '>': [{ var: 'age' }, 17] }, 'adult', 'child'] });
    const rollout = { fractional: [{ var: 'companyId' }, ['a', 50], ['b', 50]] };
    expect(fromTargeting(rollout)).toEqual({ rules: [], rollout: { shares: [['a', 50], ['b', 50]],
      bucketBy: 'companyId' }, fallback: null });
    expect(toTargeting(fromTargeting(rollout)!)).toEqual(rollout);
  });

  it('no targeting means the default variant; what it cannot express is left to the JSON view', () => {
    expect(toTargeting({ rules: [], rollout: none, fallback: null })).toBeNull();
    expect(fromTargeting(undefined)).toEqual({ rules: [], rollout: none, fallback: null });
    expect(fromTargeting({ if: [{ and: [{ '==': [1, 1] }] }, 'on', 'off'] })).toBeNull();
    expect(fromTargeting({ '!': { in: [{ var: 'plan' }, ['free']] } })).toBeNull();
    expect(fromTargeting({ if: [{ '!': { in: [{ var: 'plan' }, ['free']] } }, 'paid'] })).toEqual({
      rules: [{ attribute: 'plan', operator: 'not in', value: 'free', variant: 'paid' }], rollout: none,
      fallback: null });
  });

  it('diffs line by line', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([{ kind: ' ', text: 'a' }, { kind: '+', text: 'x' },
      { kind: '-', text: 'b' }, { kind: ' ', text: 'c' }]);
    expect(lineDiff('', 'a').every((l) => l.kind === '+')).toBe(true);
  });
});

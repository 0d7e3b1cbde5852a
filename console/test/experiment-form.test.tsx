import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import { ExperimentForm } from '../src/pages/Experiments';

function Harness({ initial }: { initial: object }) {
  const [text, setText] = useState(JSON.stringify(initial));
  return <><ExperimentForm text={text} onChange={setText} /><pre data-testid="json">{text}</pre></>;
}

describe('the experiment form', () => {
  afterEach(cleanup);

  it('edits the split and coverage in the JSON, and says when the split is not 100%', () => {
    render(<Harness initial={{ variations: [{ key: 'control', weight: 0.5, value: 1 },
      { key: 'treatment', weight: 0.5, value: 2 }], coverage: 1 }} />);
    fireEvent.change(screen.getByLabelText('Traffic percent of variation 1'), { target: { value: '30' } });
    expect(screen.getByRole('alert').textContent).toContain('80%');
    fireEvent.change(screen.getByLabelText('Traffic percent of variation 2'), { target: { value: '70' } });
    fireEvent.change(screen.getByLabelText('Coverage (% of users included)'), { target: { value: '25' } });
    const definition = JSON.parse(screen.getByTestId('json').textContent!);
    expect(definition.variations.map((v: { weight: number }) => v.weight)).toEqual([0.3, 0.7]);
    expect(definition.variations[1].value).toBe(2);
    expect(definition.coverage).toBe(0.25);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('gives equal splits explicit weights once one is set', () => {
    render(<Harness initial={{ variations: [{ key: 'a' }, { key: 'b' }, { key: 'c' }] }} />);
    fireEvent.change(screen.getByLabelText('Traffic percent of variation 1'), { target: { value: '50' } });
    const weights = JSON.parse(screen.getByTestId('json').textContent!).variations.map((v: { weight: number }) =>
      v.weight);
    expect(weights[0]).toBe(0.5);
    expect(weights[1]).toBeCloseTo(1 / 3);
  });

  it('writes targeting tests as one JsonLogic condition, and a namespace range', () => {
    render(<Harness initial={{ variations: [{ key: 'a' }, { key: 'b' }] }} />);
    fireEvent.click(screen.getByText('Add test'));
    fireEvent.change(screen.getByLabelText('Attribute'), { target: { value: 'country' } });
    fireEvent.change(screen.getByLabelText('Operator'), { target: { value: 'in' } });
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: 'NL, BE' } });
    fireEvent.click(screen.getByText('Add test'));
    expect(screen.getAllByLabelText('Attribute')).toHaveLength(2);
    fireEvent.change(screen.getAllByLabelText('Attribute')[1], { target: { value: 'app' } });
    fireEvent.change(screen.getAllByLabelText('Operator')[1], { target: { value: 'sem_ver >=' } });
    fireEvent.change(screen.getAllByLabelText('Value')[1], { target: { value: '2.1.0' } });
    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: 'checkout' } });
    fireEvent.change(screen.getByLabelText('to %'), { target: { value: '50' } });
    const definition = JSON.parse(screen.getByTestId('json').textContent!);
    expect(definition.condition).toEqual({ and: [{ in: [{ var: 'country' }, ['NL', 'BE']] },
      { sem_ver: [{ var: 'app' }, '>=', '2.1.0'] }] });
    expect(definition.namespace).toEqual({ id: 'checkout', start: 0, end: 0.5 });
  });

  it('leaves a condition it cannot show to the JSON', () => {
    render(<Harness initial={{ variations: [{ key: 'a' }, { key: 'b' }], condition: { or: [true, false] } }} />);
    expect(screen.getByText(/beyond the form/)).toBeTruthy();
  });
});

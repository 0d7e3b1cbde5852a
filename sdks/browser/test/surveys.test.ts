import { beforeEach, describe, expect, it, vi } from 'vitest';

import { Flywheel } from '../src/client';
import { setSurveysLoader } from '../src/modules';

interface Call {
  path: string;
  body: Record<string, unknown>;
}

/** A gateway with one NPS survey triggered by "Invoice Paid", branching to a text question below 7. */
function gateway() {
  const calls: Call[] = [];
  const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(url)).pathname;
    const body = init?.body ? JSON.parse(String(init.body)) : {};
    calls.push({ path, body });
    if (path === '/api/v1/surveys/next') {
      const due = body.event === 'Invoice Paid';
      return new Response(JSON.stringify(due ? {
        show: true, triggerEvents: ['Invoice Paid'], surveyKey: 'nps', submissionId: 's-1',
        survey: { questions: [
          { id: 'score', type: 'nps', text: 'How likely are you to <b>recommend</b> us?' },
          { id: 'why', type: 'open_text', text: 'Why?' }] },
      } : { show: false, triggerEvents: ['Invoice Paid'] }), { status: 200 });
    }
    if (path === '/api/v1/surveys/nps/answers') {
      const first = (body.answers as Array<{ questionId: string }>)[0].questionId === 'score';
      return new Response(JSON.stringify(first ? { nextQuestionId: 'why', completed: false } : { completed: true }),
        { status: 200 });
    }
    if (path === '/api/v1/feedback') {
      return new Response(JSON.stringify({ feedbackId: 'f-1' }), { status: 201 });
    }
    if (path === '/api/v1/assign') {
      return new Response(JSON.stringify({ assignments: [] }), { status: 200 });
    }
    return new Response(JSON.stringify({ flags: [] }), { status: 200 });
  });
  return { calls, fetcher, asked: (p: string) => calls.filter((c) => c.path === p) };
}

async function until<T>(probe: () => T | null | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('timed out');
}

const root = () => document.querySelector('flywheel-widget')?.shadowRoot ?? null;

describe('surveys', () => {
  beforeEach(() => {
    window.localStorage.clear();
    document.body.replaceChildren();
    setSurveysLoader(() => import('../src/surveys/index'));
  });

  it('loads only when asked for, asks at start, then only after a trigger event, and answers through branches',
    async () => {
      const { fetcher, asked } = gateway();
      const off = new Flywheel({ writeKey: 'fw_client_surkey01', host: 'https://gw.example', flags: false,
        fetch: fetcher as typeof fetch });
      off.track('Invoice Paid');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(asked('/api/v1/surveys/next')).toHaveLength(0);
      expect(document.querySelector('flywheel-widget')).toBeNull();

      const flywheel = new Flywheel({ writeKey: 'fw_client_surkey02', host: 'https://gw.example', flags: false,
        surveys: true, fetch: fetcher as typeof fetch });
      await until(() => asked('/api/v1/surveys/next').length === 1);
      expect(asked('/api/v1/surveys/next')[0].body.person).toEqual({ anonymousId: flywheel.anonymousId() });
      flywheel.track('Other Event');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(asked('/api/v1/surveys/next')).toHaveLength(1);

      flywheel.track('Invoice Paid');
      const score = await until(() => root()?.querySelector<HTMLButtonElement>('#fw-survey [data-fw-score="3"]'));
      const question = root()!.querySelector('#fw-survey .fw-question')!;
      expect(question.textContent).toBe('How likely are you to <b>recommend</b> us?');
      expect(question.querySelector('b')).toBeNull();
      // no other question while one is open
      await flywheel.checkSurvey('Invoice Paid');
      expect(asked('/api/v1/surveys/next')).toHaveLength(2);

      score.click();
      const text = await until(() => root()?.querySelector<HTMLTextAreaElement>('#fw-survey[data-fw-question="why"] .fw-text'));
      text.value = 'Too expensive';
      root()!.querySelector<HTMLButtonElement>('#fw-survey .fw-next')!.click();
      await until(() => root()?.querySelector('#fw-survey[data-fw-done="true"]'));
      expect(asked('/api/v1/surveys/nps/answers').map((c) => c.body.answers)).toEqual([
        [{ questionId: 'score', value: 3 }], [{ questionId: 'why', value: 'Too expensive' }]]);
    });

  it('sends feedback from the tab with the pointed-at element', async () => {
    const { fetcher, asked } = gateway();
    document.body.innerHTML = '<main><button id="buy">Buy</button></main>';
    const flywheel = new Flywheel({ writeKey: 'fw_client_surkey03', host: 'https://gw.example', flags: false,
      surveys: { screenshot: () => 'data:image/png;base64,AAAA' }, fetch: fetcher as typeof fetch });
    const tab = await until(() => root()?.querySelector<HTMLButtonElement>('#fw-tab'));
    tab.click();
    root()!.querySelector<HTMLButtonElement>('#fw-feedback [data-fw-rating="2"]')!.click();
    root()!.querySelector<HTMLTextAreaElement>('#fw-feedback .fw-comment')!.value = 'Where is the invoice?';
    root()!.querySelector<HTMLButtonElement>('#fw-feedback .fw-pick')!.click();
    document.getElementById('buy')!.click();
    root()!.querySelector<HTMLButtonElement>('#fw-feedback .fw-send')!.click();
    await until(() => root()?.querySelector('#fw-feedback [data-fw-feedback-id="f-1"]'));
    expect(asked('/api/v1/feedback')[0].body).toMatchObject({ rating: 2, comment: 'Where is the invoice?',
      selector: '#buy', screenshotPng: 'AAAA', person: { anonymousId: flywheel.anonymousId() } });
  });

  it('reports a module that cannot load, and never throws', async () => {
    const errors: unknown[] = [];
    setSurveysLoader(() => Promise.reject(new Error('blocked by the page')));
    const { fetcher } = gateway();
    const flywheel = new Flywheel({ writeKey: 'fw_client_surkey04', host: 'https://gw.example', flags: false,
      surveys: true, fetch: fetcher as typeof fetch, onError: (error) => errors.push(error) });
    expect(await flywheel.checkSurvey('Invoice Paid')).toBe(false);
    expect(String(errors[0])).toContain('blocked by the page');
    expect(() => flywheel.openFeedback()).not.toThrow();
  });
});

import type { Failures } from '../errors';
import { postJson } from '../remote';
import { WIDGET_CSS } from './styles';

/** How the widget looks and what it offers; every text is shown as text, never as HTML. */
export interface SurveysOptions {
  /** The always-available feedback tab (default true). */
  tab?: boolean;
  tabLabel?: string;
  feedbackTitle?: string;
  thanks?: string;
  /** A PNG of the page (data URL or base64), or a promise of one, sent with feedback. */
  screenshot?: () => string | null | Promise<string | null>;
}

/** What the SDK's core lends the widget: who the visitor is and how to reach the gateway. */
export interface SurveysContext {
  host: string;
  clientKey: string;
  person: () => { userId?: string; anonymousId: string };
  properties: () => Record<string, unknown>;
  flags: () => Record<string, string>;
  experiments: () => Record<string, string>;
  failures: Failures;
  send: typeof fetch;
}

interface Question {
  id: string;
  type: string;
  text: string;
  display?: string;
  scale?: number;
  choices?: string[];
  allowOther?: boolean;
  optional?: boolean;
}

interface Offer {
  show: boolean;
  triggerEvents?: string[];
  surveyKey?: string;
  submissionId?: string;
  survey?: { questions: Question[] };
}

const EMOJI5 = ['\u{1F620}', '\u{1F641}', '\u{1F610}', '\u{1F642}', '\u{1F600}'];
const EMOJI3 = ['\u{1F641}', '\u{1F610}', '\u{1F600}'];

/**
 * Surveys (NPS, CSAT, CES, ratings, choices, text, with branching) and the feedback tab, drawn in a shadow root with
 * a constructed stylesheet: no inline script or style, so it works under a strict Content-Security-Policy.
 */
export class SurveysWidget {
  readonly root: ShadowRoot;
  private readonly hostElement: HTMLElement;
  private triggers = new Set<string>();
  private showing = false;
  private checking: Promise<boolean> | null = null;
  private checkedUrl: string | null = null;

  constructor(private readonly context: SurveysContext, private readonly options: SurveysOptions) {
    this.hostElement = document.createElement('flywheel-widget');
    this.root = this.hostElement.attachShadow({ mode: 'open' });
    adoptStyles(this.root);
    document.body.appendChild(this.hostElement);
    if (options.tab !== false) {
      const tab = el('button', { id: 'fw-tab', type: 'button', class: 'fw-tab' }, options.tabLabel ?? 'Feedback');
      tab.addEventListener('click', () => this.openFeedback());
      this.root.appendChild(tab);
    }
  }

  /** Whether a survey may be due right after this event. */
  triggeredBy(event: string): boolean {
    return this.triggers.has(event);
  }

  /** A page view: page rules may match a survey on a URL not asked about yet. */
  pageViewed(): Promise<boolean> {
    return location.href === this.checkedUrl ? Promise.resolve(false) : this.check();
  }

  /**
   * Asks which survey is due now (after an event, optionally) and shows it; resolves to whether one is shown. One
   * question at a time, none while a survey is open.
   */
  check(event?: string): Promise<boolean> {
    if (this.showing) {
      return Promise.resolve(false);
    }
    if (!this.checking) {
      this.checking = this.ask(event).finally(() => {
        this.checking = null;
      });
    }
    return this.checking;
  }

  private async ask(event?: string): Promise<boolean> {
    this.checkedUrl = location.href;
    const body: Record<string, unknown> = { person: this.context.person(), url: location.href, device: device(),
      properties: this.context.properties(), flags: this.context.flags(), experiments: this.context.experiments() };
    if (event) {
      body.event = event;
    }
    const offer = await this.post('/api/v1/surveys/next', body) as Offer;
    this.triggers = new Set(offer.triggerEvents ?? []);
    if (offer.show && offer.survey && offer.surveyKey && offer.submissionId) {
      this.render(offer.surveyKey, offer.submissionId, offer.survey.questions);
      return true;
    }
    return false;
  }

  /** Opens the feedback panel, as the tab does. */
  openFeedback(): void {
    let rating = 0;
    let selector = '';
    const box = this.panel('fw-feedback');
    const close = el('button', { type: 'button', class: 'fw-close', 'aria-label': 'Close' }, '\u00D7');
    close.addEventListener('click', () => box.remove());
    box.appendChild(close);
    box.appendChild(el('div', { class: 'fw-title' }, this.options.feedbackTitle ?? 'How do you feel about this page?'));
    const ratings = el('div', { class: 'fw-ratings' });
    EMOJI5.forEach((emoji, i) => {
      const button = el('button', { type: 'button', 'data-fw-rating': String(i + 1), 'aria-label': `Rating ${i + 1}` },
        emoji);
      button.addEventListener('click', () => {
        rating = i + 1;
        for (const other of Array.from(ratings.children)) {
          other.classList.toggle('fw-chosen', other === button);
        }
      });
      ratings.appendChild(button);
    });
    const comment = el('textarea', { class: 'fw-comment', maxlength: '5000', rows: '3', placeholder: 'Tell us more' });
    const email = el('input', { class: 'fw-email', type: 'email', maxlength: '254', placeholder: 'Email (optional)' });
    const pick = el('button', { type: 'button', class: 'fw-pick' }, 'Point at an element');
    const picked = el('div', { class: 'fw-picked' });
    pick.addEventListener('click', () => {
      picked.textContent = 'Click the element on the page';
      const choose = (event: MouseEvent) => {
        if (event.composedPath().includes(this.hostElement)) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        document.removeEventListener('click', choose, true);
        selector = selectorOf(event.target as Element);
        picked.textContent = selector;
      };
      document.addEventListener('click', choose, true);
    });
    const send = el('button', { type: 'button', class: 'fw-send' }, 'Send');
    const status = el('div', { class: 'fw-status', role: 'status' });
    send.addEventListener('click', () => {
      if (!rating) {
        status.textContent = 'Choose a rating first';
        return;
      }
      send.disabled = true;
      const shot = this.options.screenshot ? Promise.resolve().then(() => this.options.screenshot?.() ?? null)
        : Promise.resolve(null);
      shot.then((png) => {
        const body: Record<string, unknown> = { person: this.context.person(), rating, pageUrl: location.href };
        if (comment.value) {
          body.comment = comment.value;
        }
        if (email.value) {
          body.email = email.value;
        }
        if (selector) {
          body.selector = selector;
        }
        if (png) {
          body.screenshotPng = String(png).replace(/^data:image\/png;base64,/, '');
        }
        return this.post('/api/v1/feedback', body);
      }).then((answer) => {
        status.textContent = this.options.thanks ?? 'Thank you!';
        status.setAttribute('data-fw-feedback-id', String((answer as { feedbackId?: string }).feedbackId ?? ''));
      }, (error: unknown) => {
        send.disabled = false;
        status.textContent = `Could not send: ${error instanceof Error ? error.message : String(error)}`;
        this.context.failures.report(error, 'feedback');
      });
    });
    box.append(ratings, comment, email, pick, picked, send, status);
  }

  destroy(): void {
    this.hostElement.remove();
  }

  private render(surveyKey: string, submissionId: string, questions: Question[]): void {
    this.showing = true;
    const box = this.panel('fw-survey');
    box.setAttribute('data-fw-survey', surveyKey);
    const byId = new Map(questions.map((q) => [q.id, q]));
    const person = this.context.person();
    let answered = false;
    const close = el('button', { type: 'button', class: 'fw-close', 'aria-label': 'Close' }, '\u00D7');
    close.addEventListener('click', () => {
      box.remove();
      this.showing = false;
      if (!answered) {
        this.post(`/api/v1/surveys/${encodeURIComponent(surveyKey)}/dismiss`, { person, submissionId })
          .catch((error) => this.context.failures.report(error, 'surveys'));
      }
    });
    const answer = (question: Question, value: unknown, other?: string | null) => {
      answered = true;
      const item: Record<string, unknown> = { questionId: question.id };
      if (value !== null && value !== undefined) {
        item.value = value;
      }
      if (other) {
        item.other = other;
      }
      this.post(`/api/v1/surveys/${encodeURIComponent(surveyKey)}/answers`, { person, submissionId, answers: [item] })
        .then((result) => {
          const next = result as { completed?: boolean; nextQuestionId?: string };
          show(next.completed || !next.nextQuestionId ? null : byId.get(next.nextQuestionId) ?? null);
        }, (error: unknown) => {
          box.appendChild(el('div', { class: 'fw-status' },
            `Could not send: ${error instanceof Error ? error.message : String(error)}`));
          this.context.failures.report(error, 'surveys');
        });
    };
    const show = (question: Question | null) => {
      box.replaceChildren(close);
      if (!question) {
        box.appendChild(el('div', { class: 'fw-done' }, this.options.thanks ?? 'Thank you!'));
        box.setAttribute('data-fw-done', 'true');
        this.showing = false;
        return;
      }
      box.setAttribute('data-fw-question', question.id);
      box.appendChild(el('div', { class: 'fw-question' }, question.text));
      if (['nps', 'csat', 'ces', 'rating'].includes(question.type)) {
        const [low, high] = scale(question);
        const emoji = question.display === 'emoji' && (high === 5 || high === 3);
        const row = el('div', { class: 'fw-scale' });
        for (let score = low; score <= high; score++) {
          const label = emoji ? (high === 5 ? EMOJI5 : EMOJI3)[score - 1] : String(score);
          const button = el('button', { type: 'button', 'data-fw-score': String(score) }, label);
          button.addEventListener('click', () => answer(question, score));
          row.appendChild(button);
        }
        box.appendChild(row);
      } else if (question.type === 'single_choice' || question.type === 'multiple_choice') {
        const multiple = question.type === 'multiple_choice';
        const chosen: string[] = [];
        for (const choice of question.choices ?? []) {
          const button = el('button', { type: 'button', 'data-fw-choice': choice }, choice);
          button.addEventListener('click', () => {
            if (!multiple) {
              answer(question, choice);
              return;
            }
            const at = chosen.indexOf(choice);
            if (at < 0) {
              chosen.push(choice);
            } else {
              chosen.splice(at, 1);
            }
            button.classList.toggle('fw-chosen', at < 0);
          });
          box.appendChild(button);
        }
        const other = question.allowOther ? el('input', { class: 'fw-other', maxlength: '500', placeholder: 'Other' })
          : null;
        if (other) {
          box.appendChild(other);
        }
        if (multiple || other) {
          const done = el('button', { type: 'button', class: 'fw-next' }, 'Next');
          done.addEventListener('click', () => answer(question, multiple ? chosen : null, other?.value || null));
          box.appendChild(done);
        }
      } else {
        const text = el('textarea', { class: 'fw-text', maxlength: '5000', rows: '3' });
        const next = el('button', { type: 'button', class: 'fw-next' }, 'Send');
        next.addEventListener('click', () => {
          if (text.value.trim()) {
            answer(question, text.value);
          } else if (question.optional) {
            show(null);
          }
        });
        box.append(text, next);
      }
    };
    show(questions[0] ?? null);
  }

  private panel(id: string): HTMLElement {
    this.root.getElementById(id)?.remove();
    const box = el('div', { id, role: 'dialog', class: 'fw-panel' });
    this.root.appendChild(box);
    return box;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await this.context.send(`${this.context.host}${path}`, postJson(this.context.clientKey, body));
    if (response.status === 204) {
      return {};
    }
    const json = await response.json().catch(() => ({})) as { detail?: string };
    if (!response.ok) {
      throw new Error(json.detail ?? `HTTP ${response.status}`);
    }
    return json;
  }
}

/** A constructed stylesheet where the browser has them (CSP-proof), else a style element. */
function adoptStyles(root: ShadowRoot): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = WIDGET_CSS;
    root.appendChild(style);
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {},
  text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function device(): string {
  const width = window.innerWidth || 1024;
  return width < 768 ? 'mobile' : width < 1024 ? 'tablet' : 'desktop';
}

function scale(question: Question): [number, number] {
  switch (question.type) {
    case 'nps': return [0, 10];
    case 'csat': return [1, 5];
    case 'ces': return [1, 7];
    default: return [1, question.scale ?? 5];
  }
}

/** A CSS selector for an element: its id, else tag:nth-of-type steps up to an element with an id or <body>. */
export function selectorOf(start: Element | null): string {
  const steps: string[] = [];
  let node = start;
  while (node && node.nodeType === 1 && steps.length < 8) {
    if (node.id) {
      steps.unshift(`#${CSS.escape(node.id)}`);
      break;
    }
    if (node === document.body) {
      steps.unshift('body');
      break;
    }
    let index = 1;
    for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
      if (sibling.tagName === node.tagName) {
        index++;
      }
    }
    steps.unshift(`${node.tagName.toLowerCase()}:nth-of-type(${index})`);
    node = node.parentElement;
  }
  return steps.join(' > ');
}

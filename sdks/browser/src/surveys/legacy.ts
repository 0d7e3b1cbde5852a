import { Failures } from '../errors';
import { SurveysWidget, type SurveysOptions } from './widget';

interface LegacyOptions extends SurveysOptions {
  gateway: string;
  clientKey: string;
  person: { userId?: string; anonymousId?: string };
  properties?: Record<string, unknown>;
  flags?: Record<string, string>;
  experiments?: Record<string, string>;
}

/**
 * The feedback widget on its own, for pages that use other libraries for events and flags: the SDK's surveys module
 * behind the widget's first API (Flywheel.feedback.init / checkSurvey / open), served at /widget/flywheel-feedback.js.
 */
let widget: SurveysWidget | undefined;

const feedback = {
  init(options: LegacyOptions): void {
    if (!options || !options.gateway || !options.clientKey || !options.person) {
      throw new Error('Flywheel.feedback.init needs gateway, clientKey and person');
    }
    const start = () => {
      widget?.destroy();
      widget = new SurveysWidget({
        host: options.gateway.replace(/\/+$/, ''),
        clientKey: options.clientKey,
        person: () => ({ anonymousId: '', ...options.person }),
        properties: () => options.properties ?? {},
        flags: () => options.flags ?? {},
        experiments: () => options.experiments ?? {},
        failures: new Failures((error) => console.error('flywheel feedback:', error)),
        send: (input, init) => fetch(input, init),
      }, options);
    };
    if (document.body) {
      start();
    } else {
      document.addEventListener('DOMContentLoaded', start, { once: true });
    }
  },
  /** Asks which survey to show now (after an event, optionally) and shows it. */
  checkSurvey(options?: { event?: string }): Promise<{ show: boolean }> {
    if (!widget) {
      return Promise.reject(new Error('call Flywheel.feedback.init first'));
    }
    return widget.check(options?.event).then((show) => ({ show }));
  },
  open(): void {
    widget?.openFeedback();
  },
};

const global = window as unknown as { Flywheel?: Record<string, unknown> };
global.Flywheel = global.Flywheel ?? {};
global.Flywheel.feedback = feedback;

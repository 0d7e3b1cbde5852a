/** Where the SDK reports its failures: it never throws into the host page. */
export type ErrorHandler = (error: unknown, during: string) => void;

export class Failures {
  constructor(private readonly handler: ErrorHandler | undefined) {}

  report(error: unknown, during: string): void {
    try {
      this.handler?.(error, during);
    } catch {
      // the host's own handler failed: nothing left to tell
    }
  }

  /** Runs {@code work}; a failure is reported and {@code fallback} returned instead. */
  guard<T>(during: string, work: () => T, fallback: T): T {
    try {
      return work();
    } catch (error) {
      this.report(error, during);
      return fallback;
    }
  }
}

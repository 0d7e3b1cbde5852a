// For the e2e suite only (never published): rrweb's own player, so a page can replay what the gateway gives back.
import { Replayer } from '@rrweb/replay';

/**
 * Replays the events into root and shows the state at {@code offset} ms into them (default: the end); resolves with
 * the number of events played.
 */
function replay(root: HTMLElement, events: Array<{ timestamp: number }>, offset?: number): Promise<number> {
  const player = new Replayer(events as never, { root, skipInactive: true, mouseTail: false });
  const duration = events[events.length - 1].timestamp - events[0].timestamp;
  // just past the last event, so that it is applied too
  player.pause(offset ?? duration + 1);
  return new Promise((resolve) => setTimeout(() => resolve(events.length), 500));
}

(window as unknown as { flywheelReplay: typeof replay }).flywheelReplay = replay;

/**
 * The session player: rrweb's Replayer over the gateway's replay data, in its own page so recorded pages' images,
 * fonts and inline styles may load (its policy allows them; the console's does not), framed by the console's
 * recording view. Controls: play/pause, a timeline with inactivity shaded and marks for clicks, page views, errors
 * and tracked events, speed, skipping inactivity; every moment listed, each a link into the replay. With
 * mode=heatmap it draws one page of the recording instead, whole, with a heatmap over it (./heatmap.ts).
 */
import '@rrweb/replay/dist/style.css';
import './player.css';

import { Replayer } from '@rrweb/replay';
import type { eventWithTime } from '@rrweb/types';

import { showHeatmap } from './heatmap';
import { clock, inactivity, markers } from './markers';

const started = performance.now();
const params = new URLSearchParams(window.location.search);
const status = document.getElementById('status')!;
const stage = document.getElementById('stage')!;
const controls = document.querySelector<HTMLElement>('.controls')!;
const play = document.getElementById('play') as HTMLButtonElement;
const time = document.getElementById('time')!;
const seek = document.getElementById('seek') as HTMLInputElement;
const speed = document.getElementById('speed') as HTMLSelectElement;
const skip = document.getElementById('skip') as HTMLInputElement;

function fail(message: string) {
  status.textContent = message;
  status.className = 'error';
  document.body.dataset.state = 'failed';
}

async function load(): Promise<eventWithTime[]> {
  const project = params.get('p') ?? '';
  const environment = params.get('e') ?? '';
  const session = params.get('s') ?? '';
  const response = await fetch(`/api/v1/projects/${encodeURIComponent(project)}/environments/`
    + `${encodeURIComponent(environment)}/recordings/${encodeURIComponent(session)}/replay`,
  { credentials: 'same-origin' });
  if (!response.ok) {
    const problem = await response.json().catch(() => null) as { detail?: string; title?: string } | null;
    throw new Error(problem?.detail ?? problem?.title ?? `HTTP ${response.status}`);
  }
  return await response.json() as eventWithTime[];
}

function start(events: eventWithTime[]) {
  if (events.length < 2) {
    fail('This recording has nothing to replay yet.');
    return;
  }
  const replayer = new Replayer(events, { root: stage, skipInactive: true, mouseTail: false, showWarning: false,
    triggerFocus: false, UNSAFE_replayCanvas: false });
  const total = replayer.getMetaData().totalTime;
  seek.max = String(total);
  let playing = false;

  // the recorded viewport, scaled to the stage's width
  function fit(width: number, height: number) {
    const wrapper = stage.querySelector<HTMLElement>('.replayer-wrapper');
    const scale = Math.min(1, stage.clientWidth / Math.max(1, width));
    if (wrapper) {
      wrapper.style.transform = `scale(${scale})`;
    }
    stage.style.height = `${Math.round(height * scale)}px`;
  }
  replayer.on('resize', (size) => {
    const { width, height } = size as { width: number; height: number };
    fit(width, height);
  });
  replayer.on('fullsnapshot-rebuilded', () => {
    if (!document.body.dataset.firstFrameMs) {
      // since the script started, and since navigation began (what a person waits)
      document.body.dataset.firstFrameMs = String(Math.round(performance.now() - started));
      document.body.dataset.firstFrameAt = String(Math.round(performance.now()));
    }
  });
  replayer.on('finish', () => {
    playing = false;
    play.textContent = 'Play';
    document.body.dataset.state = 'finished';
  });

  function show(offset: number) {
    seek.value = String(offset);
    time.textContent = `${clock(offset)} / ${clock(total)}`;
  }
  function tick() {
    if (playing) {
      show(replayer.getCurrentTime());
      requestAnimationFrame(tick);
    }
  }
  function playFrom(offset: number) {
    replayer.play(offset);
    playing = true;
    play.textContent = 'Pause';
    document.body.dataset.state = 'playing';
    requestAnimationFrame(tick);
  }
  function pauseAt(offset?: number) {
    replayer.pause(offset);
    playing = false;
    play.textContent = 'Play';
    document.body.dataset.state = 'paused';
    show(offset ?? replayer.getCurrentTime());
  }

  play.addEventListener('click', () => {
    if (playing) {
      pauseAt();
    } else {
      const at = replayer.getCurrentTime();
      playFrom(at >= total ? 0 : at);
    }
  });
  seek.addEventListener('input', () => (playing ? playFrom(Number(seek.value)) : pauseAt(Number(seek.value))));
  speed.addEventListener('change', () => replayer.setConfig({ speed: Number(speed.value) }));
  skip.addEventListener('change', () => replayer.setConfig({ skipInactive: skip.checked }));

  const span = (from: number, to: number) => [`${(from / total) * 100}%`, `${((to - from) / total) * 100}%`];
  const shaded = document.getElementById('inactive')!;
  for (const [from, to] of inactivity(events)) {
    const gap = document.createElement('span');
    [gap.style.left, gap.style.width] = span(from, to);
    shaded.appendChild(gap);
  }
  const found = markers(events);
  const marks = document.getElementById('marks')!;
  const moments = document.getElementById('moments')!;
  for (const marker of found) {
    const mark = document.createElement('span');
    mark.className = `mark-${marker.kind}`;
    mark.style.left = `${(marker.offset / total) * 100}%`;
    mark.title = `${clock(marker.offset)} ${marker.kind}: ${marker.label}`;
    marks.appendChild(mark);
    const item = document.createElement('li');
    const jump = document.createElement('button');
    jump.type = 'button';
    jump.dataset.kind = marker.kind;
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = marker.kind;
    jump.append(`${clock(marker.offset)} `, kind, ` ${marker.label}`);
    jump.addEventListener('click', () => pauseAt(marker.offset));
    item.appendChild(jump);
    moments.appendChild(item);
  }
  document.body.dataset.markers = JSON.stringify(found.reduce<Record<string, number>>((counts, m) => ({ ...counts,
    [m.kind]: (counts[m.kind] ?? 0) + 1 }), {}));

  status.textContent = '';
  status.hidden = true;
  controls.hidden = false;
  pauseAt(0);
  fit(stage.clientWidth, stage.clientWidth * 0.6);
  (window as unknown as { flywheelPlayer: unknown }).flywheelPlayer = { replayer, total };
}

if (params.get('mode') === 'heatmap') {
  load().then((events) => showHeatmap(events, stage, params), (failure: Error) => fail(
    `The page could not be drawn: ${failure.message}`)).then(() => {
    status.hidden = true;
  }, (failure: Error) => fail(`The heatmap could not be drawn: ${failure.message}`));
} else {
  load().then(start, (failure: Error) => fail(`The recording could not be loaded: ${failure.message}`));
}

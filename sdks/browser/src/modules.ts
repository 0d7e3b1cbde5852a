import type * as Recording from './recording/index';
import type * as Surveys from './surveys/index';

export type SurveysModule = typeof Surveys;
export type RecordingModule = typeof Recording;

/**
 * How the lazy modules arrive: the npm package imports them (the application's bundler splits them out); the served
 * script adds a script element with the module's SRI hash. Each entry point sets its own.
 */
let surveysLoader: (() => Promise<SurveysModule>) | undefined;

export function setSurveysLoader(loader: () => Promise<SurveysModule>): void {
  surveysLoader = loader;
}

export function loadSurveys(): Promise<SurveysModule> {
  return surveysLoader ? surveysLoader() : Promise.reject(new Error('no way to load the surveys module'));
}

let recordingLoader: (() => Promise<RecordingModule>) | undefined;

export function setRecordingLoader(loader: () => Promise<RecordingModule>): void {
  recordingLoader = loader;
}

export function loadRecording(): Promise<RecordingModule> {
  return recordingLoader ? recordingLoader() : Promise.reject(new Error('no way to load the recording module'));
}

import { setRecordingLoader, setSurveysLoader } from './modules';

setSurveysLoader(() => import('./surveys/index'));
setRecordingLoader(() => import('./recording/index'));

export { Flywheel, type FlywheelOptions, type Properties } from './client';
export type { ConsentMode, ConsentState } from './consent';
export type { ErrorHandler } from './errors';
export type { EvaluationContext, FlagsListener, FlagValue } from './flags';
export type { AutocaptureOptions, ElementDescription } from './autocapture';
export type { HeatmapOptions } from './heatmaps';
export type { ExperimentsListener, Variation } from './experiments';
export type { SurveysOptions } from './surveys/index';
export type { RecordingOptions, RecordingTriggers } from './recording/index';

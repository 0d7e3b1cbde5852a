import * as recording from './index';

// The served lazy module: the core script's loader picks it up from here once the script element has run.
(window as unknown as { __flywheelRecording?: typeof recording }).__flywheelRecording = recording;

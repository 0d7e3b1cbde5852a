import * as surveys from './index';

// The served lazy module: the core script's loader picks it up from here once the script element has run.
(window as unknown as { __flywheelSurveys?: typeof surveys }).__flywheelSurveys = surveys;

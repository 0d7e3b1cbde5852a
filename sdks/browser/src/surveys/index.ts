export { SurveysWidget, type SurveysContext, type SurveysOptions } from './widget';

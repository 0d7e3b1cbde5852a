/** The package version, set by the build. */
declare const __SDK_VERSION__: string;
/** The served surveys module's SRI hash, set by the build ("" where it is imported instead). */
declare const __SURVEYS_INTEGRITY__: string;
/** The served recording module's SRI hash, set by the build ("" where it is imported instead). */
declare const __RECORDING_INTEGRITY__: string;

/** The package version, set by the build. */
declare const __SDK_VERSION__: string;

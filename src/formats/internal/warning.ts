/** A request parameter a provider or codec could not honour, reported to the caller instead of dropped silently. */
export interface Warning {
  parameter: string;
  message: string;
}

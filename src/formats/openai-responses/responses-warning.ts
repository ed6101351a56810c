/**
 * A parameter the translation could not carry, reported to the caller (`x-llm-proxy-warnings`)
 * instead of dropped silently. Structurally the providers' `Warning`, so one list takes both.
 */
export interface ResponsesWarning {
  parameter: string;
  message: string;
}

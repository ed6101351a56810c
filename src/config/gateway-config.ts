import type { ProviderSettings } from '../providers/provider-definition.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest request body accepted on the model routes. */
  bodyLimitBytes: number;
  logLevel: LogLevel;
}

/** A public model name mapped to a provider instance and an upstream model. */
export interface ModelAlias {
  name: string;
  provider: string;
  model: string;
  maxOutputTokens: number | undefined;
}

/** The whole configuration, built once at startup from env, the YAML file and CLI flags. */
export interface GatewayConfig {
  server: ServerConfig;
  connectionsPerOrigin: number;
  connectTimeoutMs: number;
  /** Every provider instance, configured or not (a missing key is reported when it is used). */
  providers: ProviderSettings[];
  models: ModelAlias[];
  /** Path of the YAML file read, if any. */
  configFile: string | undefined;
}

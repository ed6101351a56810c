import type { ModelTarget, RoutingStrategy } from '../config/gateway-config.ts';

/** A target with the key its health is tracked under. */
export interface RouteTarget extends ModelTarget {
  /** `provider/model`: one upstream model at one provider instance. */
  key: string;
}

/** A public model name at run time: where it may go, how to choose, what to fall back to. */
export interface ModelGroup {
  name: string;
  targets: readonly RouteTarget[];
  strategy: RoutingStrategy;
  retries: number;
  fallbacks: readonly string[];
  contextWindowFallbacks: readonly string[];
  rpmLimit: number | null;
  tpmLimit: number | null;
}

export function routeTarget(target: ModelTarget): RouteTarget {
  return { ...target, key: `${target.provider}/${target.model}` };
}

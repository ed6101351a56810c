import type { RoutingStrategy } from '../config/gateway-config.ts';
import type { ModelGroup, RouteTarget } from './model-group.ts';
import type { TargetHealth } from './target-health.ts';

/**
 * Chooses the target of the next attempt. A target whose cool-down has just ended is probed first (by
 * one caller); cooling targets are skipped; targets already tried in this request are avoided while
 * others remain; among the rest the group's strategy decides.
 */
export class TargetPicker {
  readonly #health: TargetHealth;
  readonly #random: () => number;
  readonly #roundRobin = new Map<string, number>();

  constructor(health: TargetHealth, random: () => number = Math.random) {
    this.#health = health;
    this.#random = random;
  }

  /**
   * The next target, or undefined when every remaining one is excluded or cooling. Synchronous unless
   * a half-open probe has to be claimed (across instances, that is a Redis call): the first attempt of
   * a request to a healthy group allocates no promise and no arrays.
   */
  pick(
    group: ModelGroup,
    options: { excluded: ReadonlySet<string>; tried: ReadonlySet<string> },
  ): RouteTarget | undefined | Promise<RouteTarget | undefined> {
    const { targets } = group;
    if (targets.length === 1 && options.excluded.size === 0) {
      const [only] = targets;
      if (only !== undefined && this.#health.availability(only.key) === 'available') return only;
    }
    const eligible = targets.filter((target) => !options.excluded.has(target.key));
    const fresh = eligible.filter((target) => !options.tried.has(target.key));
    return this.#pickFrom(group, fresh.length > 0 && fresh.length < eligible.length ? [fresh, eligible] : [eligible]);
  }

  async #pickFrom(group: ModelGroup, pools: RouteTarget[][]): Promise<RouteTarget | undefined> {
    for (const pool of pools) {
      // A target whose cool-down has ended gets one probe request, even while others are healthy:
      // otherwise it would never be tried again.
      for (const target of pool) {
        if (this.#health.availability(target.key) === 'probe' && (await this.#health.claimProbe(target.key))) {
          return target;
        }
      }
      const available = pool.filter((target) => this.#health.availability(target.key) === 'available');
      if (available.length > 0) return this.#choose(group, available);
    }
    return undefined;
  }

  #choose(group: ModelGroup, targets: RouteTarget[]): RouteTarget | undefined {
    if (targets.length === 1) return targets[0];
    return this.#byStrategy(group.strategy, group.name, targets);
  }

  #byStrategy(strategy: RoutingStrategy, groupName: string, targets: RouteTarget[]): RouteTarget | undefined {
    switch (strategy) {
      case 'round-robin': {
        const turn = this.#roundRobin.get(groupName) ?? 0;
        this.#roundRobin.set(groupName, turn + 1);
        return targets[turn % targets.length];
      }
      case 'least-in-flight': {
        const fewest = Math.min(...targets.map((target) => this.#health.inFlight(target.key)));
        return this.#weighted(targets.filter((target) => this.#health.inFlight(target.key) === fewest));
      }
      case 'lowest-latency': {
        // An unmeasured target goes first, so that every target gets measured.
        const unmeasured = targets.filter((target) => this.#health.latency(target.key) === undefined);
        if (unmeasured.length > 0) return this.#weighted(unmeasured);
        return targets.reduce((best, target) =>
          (this.#health.latency(target.key) ?? 0) < (this.#health.latency(best.key) ?? 0) ? target : best,
        );
      }
      case 'weighted':
        return this.#weighted(targets);
    }
  }

  #weighted(targets: RouteTarget[]): RouteTarget | undefined {
    const total = targets.reduce((sum, target) => sum + target.weight, 0);
    let point = this.#random() * total;
    for (const target of targets) {
      point -= target.weight;
      if (point < 0) return target;
    }
    return targets.at(-1);
  }
}

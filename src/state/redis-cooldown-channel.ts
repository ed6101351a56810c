import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CooldownChannel, TargetHealth } from '../gateway/target-health.ts';
import { closeRedis, connectRedis } from './redis-client.ts';

const channelName = 'llm-proxy:cooldowns';
const cooldownKey = (target: string): string => `llm-proxy:cooldown:${target}`;
const probeKey = (target: string): string => `llm-proxy:probe:${target}`;

interface Announcement {
  target: string;
  until: number;
  from: string;
}

/**
 * Shares cool-downs between gateway instances through Redis. A tripped breaker is stored (expiring
 * when the cool-down ends) and published; every instance applies what others publish, and loads what
 * is stored when it starts. Half-open probes are claimed with `SET NX`, so one instance probes. Redis
 * is touched only when a breaker trips or a probe is due, never on the ordinary request path.
 */
export class RedisCooldownChannel implements CooldownChannel {
  readonly #instance = randomUUID();
  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #onError: (error: unknown) => void;

  private constructor(client: Redis, subscriber: Redis, onError: (error: unknown) => void) {
    this.#client = client;
    this.#subscriber = subscriber;
    this.#onError = onError;
  }

  /** Connects, subscribes, applies the cool-downs already in Redis, and attaches to `health`. */
  static async attach(
    url: string,
    health: TargetHealth,
    onError: (error: unknown) => void,
  ): Promise<RedisCooldownChannel> {
    const client = await connectRedis(url, { name: 'cooldowns' });
    const subscriber = await connectRedis(url, { name: 'cooldowns-subscriber' });
    client.on('error', onError);
    subscriber.on('error', onError);
    const channel = new RedisCooldownChannel(client, subscriber, onError);
    subscriber.on('message', (_channel: string, message: string) => {
      const announcement = parseAnnouncement(message);
      if (announcement !== undefined && announcement.from !== channel.#instance) {
        health.applyRemoteCooldown(announcement.target, announcement.until);
      }
    });
    await subscriber.subscribe(channelName);
    for await (const keys of client.scanStream({ match: cooldownKey('*'), count: 100 })) {
      for (const key of keys as string[]) {
        const until = Number(await client.get(key));
        if (Number.isFinite(until)) health.applyRemoteCooldown(key.slice(cooldownKey('').length), until);
      }
    }
    health.useChannel(channel);
    return channel;
  }

  publish(target: string, until: number): void {
    const announcement: Announcement = { target, until, from: this.#instance };
    this.#client
      .multi()
      .set(cooldownKey(target), String(until), 'PXAT', Math.ceil(until))
      .publish(channelName, JSON.stringify(announcement))
      .exec()
      .catch(this.#onError);
  }

  async claimProbe(target: string, ttlMs: number): Promise<boolean> {
    return (await this.#client.set(probeKey(target), this.#instance, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    await Promise.all([closeRedis(this.#subscriber), closeRedis(this.#client)]);
  }
}

function parseAnnouncement(message: string): Announcement | undefined {
  try {
    const value: unknown = JSON.parse(message);
    if (typeof value !== 'object' || value === null || !('target' in value && 'until' in value && 'from' in value)) {
      return undefined;
    }
    const { target, until, from } = value;
    return typeof target === 'string' && typeof until === 'number' && typeof from === 'string'
      ? { target, until, from }
      : undefined;
  } catch {
    return undefined;
  }
}

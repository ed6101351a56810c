import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;

/** One exported sample, as prom-client's registry formats and its cluster aggregator sums them. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A labelled metric family whose children are plain objects, registered in a prom-client registry
 * (which formats the text and aggregates across cluster workers). prom-client's own metrics hash the
 * label set on every `inc`/`observe`; here a child is looked up once and updating it is an addition,
 * which matters on a path that runs for every request.
 */
abstract class MetricFamily<Child> {
  readonly aggregator = 'sum';
  readonly #children = new Map<string, Child>();
  readonly name: string;
  readonly help: string;
  readonly #labelNames: readonly string[];
  #beforeCollect: (() => void) | undefined;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.#labelNames = labelNames;
    // The registry only reads name, help, type, aggregator and get(): the shape of its own metrics.
    registry.registerMetric(this as unknown as Metric);
  }

  abstract readonly type: 'counter' | 'histogram';

  /** The child for these label values (in the family's label order), made on first use. */
  child(...values: string[]): Child {
    const key = values.join('\u0000');
    let child = this.#children.get(key);
    if (child === undefined) {
      const labels: Labels = {};
      this.#labelNames.forEach((name, index) => {
        labels[name] = values[index] ?? '';
      });
      child = this.create(labels);
      this.#children.set(key, child);
    }
    return child;
  }

  protected abstract create(labels: Labels): Child;
  protected abstract samples(child: Child, into: Sample[]): void;

  /** Runs at each scrape before the samples are read: for values kept elsewhere and copied in. */
  beforeCollect(update: () => void): this {
    this.#beforeCollect = update;
    return this;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    this.#beforeCollect?.();
    const values: Sample[] = [];
    for (const child of this.#children.values()) this.samples(child, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#children.clear();
  }
}

export class CounterChild {
  readonly labels: Labels;
  value = 0;

  constructor(labels: Labels) {
    this.labels = labels;
  }

  inc(by = 1): void {
    this.value += by;
  }
}

export class CounterFamily extends MetricFamily<CounterChild> {
  readonly type = 'counter';

  protected create(labels: Labels): CounterChild {
    return new CounterChild(labels);
  }

  protected samples(child: CounterChild, into: Sample[]): void {
    into.push({ labels: child.labels, value: child.value });
  }
}

export class HistogramChild {
  readonly labels: Labels;
  readonly bounds: readonly number[];
  /** Observations per bucket (not cumulative); above the last bound only `count` grows. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labels: Labels, bounds: readonly number[]) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index += 1) {
      if (value <= (bounds[index] ?? Number.POSITIVE_INFINITY)) {
        this.counts[index] = (this.counts[index] ?? 0) + 1;
        return;
      }
    }
  }
}

export class HistogramFamily extends MetricFamily<HistogramChild> {
  readonly type = 'histogram';
  readonly #bounds: readonly number[];

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[], bounds: number[]) {
    super(registry, name, help, labelNames);
    this.#bounds = [...bounds].sort((a, b) => a - b);
  }

  protected create(labels: Labels): HistogramChild {
    return new HistogramChild(labels, this.#bounds);
  }

  /** Cumulative `_bucket` samples with `le`, then `+Inf`, `_sum` and `_count`. */
  protected samples(child: HistogramChild, into: Sample[]): void {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    child.bounds.forEach((bound, index) => {
      cumulative += child.counts[index] ?? 0;
      into.push({ labels: { ...child.labels, le: bound }, value: cumulative, metricName: bucket });
    });
    into.push({ labels: { ...child.labels, le: '+Inf' }, value: child.count, metricName: bucket });
    into.push({ labels: child.labels, value: child.sum, metricName: `${this.name}_sum` });
    into.push({ labels: child.labels, value: child.count, metricName: `${this.name}_count` });
  }
}

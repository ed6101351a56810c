import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregatorRegistry, Registry } from 'prom-client';
import { CounterFamily, HistogramFamily } from '../../../src/observability/metric-families.ts';
import { parsePrometheusText, sampleSum } from '../../support/prometheus-text.ts';

describe('metric families', () => {
  it('a histogram exports cumulative buckets, +Inf, sum and count in the Prometheus text format', async () => {
    const registry = new Registry();
    const histogram = new HistogramFamily(registry, 'test_seconds', 'Test.', ['route'], [0.1, 1, 0.5]);
    const child = histogram.child('/a');
    for (const value of [0.05, 0.1, 0.3, 0.7, 2, 9]) child.observe(value);
    const text = await registry.metrics();
    assert.match(text, /# TYPE test_seconds histogram/);
    const samples = parsePrometheusText(text);
    const bucket = (le: string) => sampleSum(samples, 'test_seconds_bucket', { route: '/a', le });
    assert.deepEqual([bucket('0.1'), bucket('0.5'), bucket('1'), bucket('+Inf')], [2, 3, 4, 6]);
    assert.equal(sampleSum(samples, 'test_seconds_count', { route: '/a' }), 6);
    assert.ok(Math.abs(sampleSum(samples, 'test_seconds_sum', { route: '/a' }) - 12.15) < 1e-9);
  });

  it('a counter child is made once per label set and keeps its count', async () => {
    const registry = new Registry();
    const counter = new CounterFamily(registry, 'test_total', 'Test.', ['a', 'b']);
    assert.equal(counter.child('x', 'y'), counter.child('x', 'y'));
    counter.child('x', 'y').inc();
    counter.child('x', 'y').inc(2);
    counter.child('x', 'z').inc();
    const samples = parsePrometheusText(await registry.metrics());
    assert.equal(sampleSum(samples, 'test_total', { a: 'x', b: 'y' }), 3);
    assert.equal(sampleSum(samples, 'test_total', { a: 'x', b: 'z' }), 1);
  });

  it("sums across registries the way prom-client's cluster aggregator does", async () => {
    const registries = [new Registry(), new Registry()];
    registries.forEach((registry, index) => {
      new CounterFamily(registry, 'test_total', 'Test.', ['a']).child('x').inc(index + 1);
      new HistogramFamily(registry, 'test_seconds', 'Test.', ['a'], [1]).child('x').observe(index);
    });
    const aggregated = AggregatorRegistry.aggregate(
      await Promise.all(registries.map((registry) => registry.getMetricsAsJSON())),
    );
    const samples = parsePrometheusText(await aggregated.metrics());
    assert.equal(sampleSum(samples, 'test_total', { a: 'x' }), 3);
    assert.equal(sampleSum(samples, 'test_seconds_bucket', { a: 'x', le: '1' }), 2);
    assert.equal(sampleSum(samples, 'test_seconds_count', { a: 'x' }), 2);
  });
});

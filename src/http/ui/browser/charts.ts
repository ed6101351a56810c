import uPlot from './vendor/uplot.js';

const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

function colors(): { axis: string; grid: string } {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return dark ? { axis: '#9aa4b1', grid: '#2e353d' } : { axis: '#5b6470', grid: '#e3e6ea' };
}

/** Tick labels that keep small values (costs in USD) readable. */
function tickValues(_plot: uPlot, splits: number[]): string[] {
  const largest = Math.max(...splits.map(Math.abs));
  return splits.map((value) =>
    largest > 0 && largest < 1 ? value.toPrecision(2) : String(Math.round(value * 100) / 100),
  );
}

function axes(days = false): uPlot.Axis[] {
  const { axis, grid } = colors();
  const x: uPlot.Axis = { stroke: axis, grid: { stroke: grid } };
  if (days) {
    // One tick per day, labelled with its date.
    x.incrs = [86_400, 7 * 86_400];
    x.values = (_plot, splits) => splits.map((value) => new Date(value * 1000).toISOString().slice(5, 10));
  }
  return [x, { stroke: axis, grid: { stroke: grid }, size: 72, values: tickValues }];
}

function width(container: HTMLElement): number {
  return Math.max(280, container.clientWidth - 8);
}

/** Resizes a chart with its container. */
function follow(chart: uPlot, container: HTMLElement): void {
  new ResizeObserver(() => chart.setSize({ width: width(container), height: 220 })).observe(container);
}

/** Indices of values with no value on either side, which a line alone would not draw. */
function isolatedPoints(plot: uPlot, seriesIndex: number): number[] | null {
  const values = plot.data[seriesIndex] ?? [];
  const isolated: number[] = [];
  for (let index = 0; index < values.length; index++) {
    if (values[index] != null && values[index - 1] == null && values[index + 1] == null) isolated.push(index);
  }
  return isolated.length === 0 ? null : isolated;
}

/** A line chart over time: `x` in seconds, one line per series. */
export function lineChart(
  container: HTMLElement,
  title: string,
  x: number[],
  series: Array<{ label: string; values: Array<number | null> }>,
): uPlot {
  const chart = new uPlot(
    {
      title,
      width: width(container),
      height: 220,
      axes: axes(),
      // A bucket of room on the right: the newest bucket's point is drawn whole, not cut at the edge.
      scales: {
        x: { time: true, range: (_plot, min, max) => [min, max + (x.length > 1 ? (x[1] ?? 0) - (x[0] ?? 0) : 60)] },
      },
      series: [
        {},
        ...series.map((item, index) => ({
          label: item.label,
          stroke: palette[index % palette.length] ?? '#888',
          width: 2,
          spanGaps: true,
          // A value with no neighbour draws no line: a dot shows it (one busy minute in a quiet day).
          points: { filter: isolatedPoints },
        })),
      ],
    },
    [x, ...series.map((item) => item.values)],
    container,
  );
  follow(chart, container);
  return chart;
}

/** Bars stacked per x (days, as seconds): each series drawn on top of the ones before it. */
export function stackedBars(
  container: HTMLElement,
  title: string,
  x: number[],
  series: Array<{ label: string; values: number[] }>,
): uPlot {
  const totals = x.map(() => 0);
  const stacked = series.map((item) =>
    item.values.map((value, index) => {
      totals[index] = (totals[index] ?? 0) + value;
      return totals[index] ?? 0;
    }),
  );
  const bars = uPlot.paths.bars?.({ size: [0.6, 60] });
  // Tallest (the running total) first, so every lower stack is painted over it.
  const order = series.map((_item, index) => index).reverse();
  const chart = new uPlot(
    {
      title,
      width: width(container),
      height: 240,
      axes: axes(true),
      scales: {
        // Half a day of room either side, so the first and last bars are whole.
        x: { time: true, range: (_plot, min, max) => [min - 43_200, max + 43_200] },
        y: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      series: [
        {},
        ...order.map((index) => {
          const color = palette[index % palette.length] ?? '#888';
          // Bars need no point markers: they drew a dot on every bar top and on each empty day's baseline.
          const options: uPlot.Series = {
            label: series[index]?.label ?? '',
            stroke: color,
            fill: color,
            points: { show: false },
          };
          if (bars !== undefined) options.paths = bars;
          return options;
        }),
      ],
    },
    [x, ...order.map((index) => stacked[index] ?? [])],
    container,
  );
  follow(chart, container);
  return chart;
}

/**
 * Metric interfaces. Components declare the metrics they publish through a `MetricsRegistry`;
 * `node/` implements it with prom-client (MobileCoin's metric names where they exist). Pure cores
 * do not take a registry: they expose snapshots that the host publishes.
 */
export type Labels = Readonly<Record<string, string | number>>;

export interface Counter {
  inc(labels?: Labels, value?: number): void;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(labels?: Labels, value?: number): void;
  dec(labels?: Labels, value?: number): void;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

export interface MetricSpec {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface HistogramSpec extends MetricSpec {
  buckets?: readonly number[];
}

export interface MetricsRegistry {
  counter(spec: MetricSpec): Counter;
  gauge(spec: MetricSpec): Gauge;
  histogram(spec: HistogramSpec): Histogram;
}

const noopCounter: Counter = { inc: () => {} };
const noopGauge: Gauge = { set: () => {}, inc: () => {}, dec: () => {} };
const noopHistogram: Histogram = { observe: () => {} };

/** A registry whose metrics record nothing. */
export const noopMetrics: MetricsRegistry = {
  counter: () => noopCounter,
  gauge: () => noopGauge,
  histogram: () => noopHistogram,
};

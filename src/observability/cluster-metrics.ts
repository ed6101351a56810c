import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const requestType = 'llm-proxy:metrics-request';
const answerType = 'llm-proxy:metrics-answer';

/** How long a worker waits for the pool's metrics before `/metrics` fails. */
const answerTimeoutMs = 5000;

interface MetricsRequest {
  type: typeof requestType;
  id: number;
}

interface MetricsAnswer {
  type: typeof answerType;
  id: number;
  text?: string;
  error?: string;
}

function isRequest(message: unknown): message is MetricsRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === requestType;
}

function isAnswer(message: unknown): message is MetricsAnswer {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === answerType;
}

/**
 * In the primary of `serve --workers N`: a worker asked for `/metrics` sends a request, and the
 * primary answers with every worker's registry summed (prom-client's cluster aggregator, which asks
 * each live worker over IPC). Prometheus then sees one gateway per host, whichever worker the kernel
 * handed the scrape to, instead of counters that jump between workers.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isRequest(message)) return;
    const { id } = message;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: answerType, id, text } satisfies MetricsAnswer),
      (error: Error) =>
        worker.isConnected() && worker.send({ type: answerType, id, error: error.message } satisfies MetricsAnswer),
    );
  });
}

/**
 * In a worker: answers the primary's requests with `registry`, and returns a renderer that asks the
 * primary for the whole pool's metrics.
 */
export function clusterMetricsRenderer(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isAnswer(message)) return;
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.text !== undefined) waiter.resolve(message.text);
    else waiter.reject(new Error(`the primary could not gather the workers' metrics: ${message.error ?? 'no answer'}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const send = process.send?.bind(process);
      if (send === undefined || !process.connected) {
        reject(new Error('not connected to the primary'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the primary did not answer within ${answerTimeoutMs} ms`));
      }, answerTimeoutMs);
      pending.set(id, {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      send({ type: requestType, id } satisfies MetricsRequest);
    });
}

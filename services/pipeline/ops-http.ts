// Operations endpoints of a pipeline process: /metrics (Prometheus), /healthz (alive), /readyz
// (joined the group and storing), /screening (decisions by screening status, dead letters by reason). Built by one function, started by another: tests use inject().
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

const SCREENED = 'precursor_risk_reports_screened_total';
const DEAD_LETTERED = 'precursor_risk_messages_dead_lettered_total';

export interface OpsAppOptions {
  registry: Registry;
  isReady: () => boolean;
}

export function buildOpsApp({ registry, isReady }: OpsAppOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/screening', async () => {
    const counts = async (name: string, label: string) => {
      const out: Record<string, number> = {};
      const metric = registry.getSingleMetric(name);
      for (const v of metric ? (await metric.get()).values : []) {
        const key = String(v.labels[label] ?? '');
        out[key] = (out[key] ?? 0) + v.value;
      }
      return out;
    };
    const byStatus = { COMPLETE: 0, PARTIAL: 0, UNSCREENED: 0, ...(await counts(SCREENED, 'status')) };
    return { screening: byStatus, deadLettered: await counts(DEAD_LETTERED, 'reason') };
  });
  app.get('/readyz', async (_req, reply) => {
    const ready = isReady();
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready' };
  });
  return app;
}

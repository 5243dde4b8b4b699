// Operations endpoints of a pipeline process: /metrics (Prometheus), /healthz (alive), /readyz
// (joined the group and storing). Built by one function, started by another: tests use inject().
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

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
  app.get('/readyz', async (_req, reply) => {
    const ready = isReady();
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready' };
  });
  return app;
}

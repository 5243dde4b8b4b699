import { describe, expect, it } from 'vitest';
import { createPipelineMetrics } from './metrics.ts';
import { buildOpsApp } from './ops-http.ts';

describe('ops endpoints', () => {
  it('serves metrics, health and readiness', async () => {
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    metrics.deadLettered.inc({ reason: 'INVALID_JSON' });
    let ready = false;
    const app = buildOpsApp({ registry: metrics.registry, isReady: () => ready });
    const m = await app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('precursor_risk_messages_dead_lettered_total{reason="INVALID_JSON"} 1');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    ready = true;
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('counts decisions by screening status', async () => {
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    metrics.screened.inc({ status: 'COMPLETE' }, 3);
    metrics.screened.inc({ status: 'UNSCREENED' });
    metrics.deadLettered.inc({ reason: 'INVALID_JSON' }, 2);
    const app = buildOpsApp({ registry: metrics.registry, isReady: () => true });
    const r = await app.inject({ method: 'GET', url: '/screening' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      screening: { COMPLETE: 3, PARTIAL: 0, UNSCREENED: 1 },
      deadLettered: { INVALID_JSON: 2 },
    });
  });
});

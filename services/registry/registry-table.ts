// The model registry's record in ClickHouse (`<db>.model_registry`, migration 004): one row per version,
// a status change being a new row (ReplacingMergeTree on updatedAtMs). Reads and writes that table only.
// Guarantees: every value reaches SQL through sql.ts; a status change keeps the row's other fields.

import type { ModelManifest } from '../scoring/model.ts';
import { type ClickHouseClient, insertRows, queryRows } from '../storage/clickhouse.ts';
import { formatDateTime, identifier, sql } from '../storage/sql.ts';

export const MODEL_STATUSES = ['candidate', 'champion', 'challenger', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export interface RegistryRow {
  version: string;
  createdAt: string;
  featureSchemaHash: string;
  trainingData: string;
  metricsJson: string;
  status: ModelStatus;
  promotedAt: string | null;
  updatedAt: string;
  updatedAtMs: number;
}

export interface RegistryTable {
  client: ClickHouseClient;
  database: string;
}

/** The training-data description stored with a model: the manifest's `training` block minus bulky fields. */
export function trainingDataOf(manifest: ModelManifest): string {
  return JSON.stringify(manifest.training);
}

function rowFromManifest(manifest: ModelManifest, status: ModelStatus, promotedAt: Date | null, now: Date) {
  return {
    version: manifest.version,
    createdAt: formatDateTime(new Date(manifest.createdAt)),
    featureSchemaHash: manifest.featureSchemaHash,
    trainingData: trainingDataOf(manifest),
    metricsJson: JSON.stringify(manifest.metrics ?? null),
    status,
    promotedAt: promotedAt === null ? null : formatDateTime(promotedAt),
    updatedAt: formatDateTime(now),
    updatedAtMs: now.getTime(),
  };
}

/** Inserts (or replaces) the row of a model from its manifest. */
export async function recordModel(
  t: RegistryTable,
  manifest: ModelManifest,
  status: ModelStatus = 'candidate',
  opts: { promotedAt?: Date | null; now?: Date } = {},
): Promise<void> {
  const now = opts.now ?? new Date();
  await insertRows(t.client, `${t.database}.model_registry`, [
    rowFromManifest(manifest, status, opts.promotedAt ?? null, now),
  ]);
}

export async function registryRows(t: RegistryTable, version?: string): Promise<RegistryRow[]> {
  const table = identifier(`${t.database}.model_registry`);
  const where = version === undefined ? sql`1` : sql`version = ${version}`;
  const rows = await queryRows<
    Omit<RegistryRow, 'status' | 'updatedAtMs'> & { status: string; updatedAtMs: string | number }
  >(
    t.client,
    sql`SELECT version, toString(createdAt) AS createdAt, featureSchemaHash, trainingData, metricsJson,
          toString(status) AS status, if(isNull(promotedAt), NULL, toString(promotedAt)) AS promotedAt,
          toString(updatedAt) AS updatedAt, updatedAtMs
        FROM ${table} FINAL WHERE ${where} ORDER BY createdAt DESC, version`.text,
  );
  return rows.map((r) => ({ ...r, status: r.status as ModelStatus, updatedAtMs: Number(r.updatedAtMs) }));
}

/**
 * Sets a version's status. The existing row's fields are kept; without one, the manifest supplies them
 * (models registered before the table existed). promotedAt is set when the status becomes champion or
 * challenger, kept otherwise.
 */
export async function setStatus(
  t: RegistryTable,
  version: string,
  status: ModelStatus,
  manifest: ModelManifest | null,
  now = new Date(),
): Promise<void> {
  const [existing] = await registryRows(t, version);
  const promoted = status === 'champion' || status === 'challenger';
  if (existing === undefined) {
    if (manifest === null) return;
    await recordModel(t, manifest, status, { promotedAt: promoted ? now : null, now });
    return;
  }
  await insertRows(t.client, `${t.database}.model_registry`, [
    {
      version: existing.version,
      createdAt: existing.createdAt,
      featureSchemaHash: existing.featureSchemaHash,
      trainingData: existing.trainingData,
      metricsJson: existing.metricsJson,
      status,
      promotedAt: promoted ? formatDateTime(now) : existing.promotedAt,
      updatedAt: formatDateTime(now),
      // Strictly newer than the row it replaces, even within the same millisecond.
      updatedAtMs: Math.max(now.getTime(), existing.updatedAtMs + 1),
    },
  ]);
}

/** Whether `<database>.<table>` exists (tables of other features may not be migrated yet). */
export async function tableExists(
  client: ClickHouseClient,
  database: string,
  table: string,
): Promise<boolean> {
  const rows = await queryRows<{ n: string | number }>(
    client,
    sql`SELECT count() AS n FROM system.tables WHERE database = ${database} AND name = ${table}`.text,
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

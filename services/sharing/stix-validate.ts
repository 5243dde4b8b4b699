// Validates bundles against the OASIS STIX 2.1 JSON schemas (draft 2020-12), the OASIS TLP 2.0
// marking extension schema (draft-07, its own Ajv instance: one instance cannot mix the two drafts)
// and our property extension's schemas (precursor-risk-sharing, consignment). Reads: the schema files under a directory laid out like
// oasis-open/cti-stix2-json-schemas (schemas/, tlp-2.0/). Writes: nothing.
// Guarantees: every object of a bundle is validated against the OASIS schema of its own type (SDOs,
// SROs, every cyber-observable, the meta objects; a custom object against the SDO or SCO core); every
// schema is registered under its own $id, so the absolute $ref URLs resolve to the local files and
// nothing is fetched. One documented patch of bundle.json (see patchBundleSchema and
// docs/adr/0003): upstream, a bundle holding an extension-definition or any custom SDO can never pass.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { SHARING_EXTENSION_ID } from './stix-package.ts';
import { TLP_EXTENSION_ID } from './tlp.ts';

export const DEFAULT_STIX_SCHEMAS_DIR = fileURLToPath(
  new URL('../../vendor/oasis-stix2-json-schemas/', import.meta.url),
);
const OWN_SCHEMA_FILE = fileURLToPath(new URL('./consignment.schema.json', import.meta.url));
const EXTENSION_SCHEMA_FILE = fileURLToPath(new URL('./precursor-risk-sharing.schema.json', import.meta.url));

const OASIS = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
export const BUNDLE_SCHEMA_ID = `${OASIS}common/bundle.json`;
const PATCHED_BUNDLE_SCHEMA_ID = `${OASIS}common/bundle-with-extension-definitions.json`;
const CORE_SCHEMA_ID = `${OASIS}common/core.json`;

/**
 * The OASIS schema of every object type the directory defines (SDOs, SROs, SCOs, and the meta objects
 * marking-definition, language-content, extension-definition), by type: each object of a bundle is
 * validated against its own schema, so a cyber-observable is never judged by the SDO core schema.
 */
function typeSchemasOf(files: readonly AnySchemaObject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    const m =
      /\/schemas\/(?:(?:sdos|sros|observables)\/([a-z0-9-]+)|common\/(marking-definition|language-content|extension-definition))\.json$/.exec(
        String(f.$id),
      );
    const type = m?.[1] ?? m?.[2];
    if (type !== undefined) out.set(type, String(f.$id));
  }
  return out;
}
const CYBER_OBSERVABLE_CORE_ID = `${OASIS}common/cyber-observable-core.json`;

export interface StixValidator {
  /** Problems found, one line each; empty when the bundle is valid. */
  validateBundle(bundle: unknown): string[];
}

function readJson(file: string): AnySchemaObject {
  return JSON.parse(readFileSync(file, 'utf8')) as AnySchemaObject;
}

function schemaFiles(root: string): string[] {
  const dir = join(root, 'schemas');
  return readdirSync(dir)
    .sort()
    .flatMap((sub) =>
      readdirSync(join(dir, sub))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(dir, sub, f)),
    );
}

/**
 * bundle.json with its two defects fixed (docs/adr/0003). (1) Its list of known objects omits
 * extension-definition, note, opinion, grouping, location and incident, so those fall into the
 * custom-object branch. (2) That branch requires exactly one of core.json and the looser
 * cyber-observable-core.json; every SDO that matches core also matches the other, so no custom SDO,
 * and none of the omitted objects, can pass. The patch lists every object schema `objectSchemas`
 * names (by its relative path, as upstream does) and lets a custom object match either core. It
 * checks the upstream shape first: if upstream changes, it throws instead of patching blindly.
 */
export function patchBundleSchema(
  original: AnySchemaObject,
  objectSchemas: ReadonlyArray<{ ref: string; type: string }> = [],
): AnySchemaObject {
  const s = structuredClone(original);
  const items = s.properties?.objects?.items;
  const known: unknown = items?.anyOf?.[0]?.oneOf;
  const custom: unknown = items?.anyOf?.[1]?.allOf;
  const notEnum: unknown = Array.isArray(custom) ? custom[1]?.properties?.type?.not?.enum : undefined;
  if (
    !Array.isArray(known) ||
    !Array.isArray(custom) ||
    !Array.isArray(custom[0]?.oneOf) ||
    custom[0].oneOf.length !== 2 ||
    !Array.isArray(notEnum)
  ) {
    throw new Error('bundle.json no longer has the shape patchBundleSchema expects; review the patch');
  }
  for (const { ref, type } of objectSchemas) {
    if (!known.some((r: { $ref?: string }) => r.$ref === ref)) known.push({ $ref: ref });
    if (!notEnum.includes(type)) notEnum.push(type);
  }
  custom[0] = { anyOf: custom[0].oneOf };
  s.$id = PATCHED_BUNDLE_SCHEMA_ID;
  return s;
}

/** Every STIX object schema of the directory: SDOs, SROs, and extension-definition. */
function objectSchemasOf(files: readonly AnySchemaObject[]): Array<{ ref: string; type: string }> {
  return files.flatMap((f) => {
    const m = /\/schemas\/((?:sdos|sros)\/[a-z-]+\.json|common\/extension-definition\.json)$/.exec(
      String(f.$id),
    );
    return m === null ? [] : [{ ref: `../${m[1]}`, type: String(f.title) }];
  });
}

function describe(errors: readonly ErrorObject[] | null | undefined, limit = 3): string {
  return (errors ?? [])
    .slice(0, limit)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('; ');
}

export interface StixSchemas {
  ajv2020: Ajv2020;
  bundle: ValidateFunction;
  unpatchedBundle: ValidateFunction;
}

/** Loads every schema once (about half a second); keep one validator per process. */
export function createStixValidator(
  root: string = DEFAULT_STIX_SCHEMAS_DIR,
): StixValidator & { schemas: StixSchemas } {
  const options = { strict: false, allErrors: false, unicodeRegExp: false } as const;
  // The OASIS patterns use escapes (`\-`) that are invalid in unicode-mode RegExps: unicodeRegExp off.
  const ajv = new Ajv2020(options);
  addFormats.default(ajv, ['uri', 'email']);
  ajv.addFormat('idn-hostname', true); // only the domain-name observable uses it; ajv-formats lacks it
  const files = schemaFiles(root).map(readJson);
  for (const schema of files) ajv.addSchema(schema);
  const bundleSchema = files.find((s) => s.$id === BUNDLE_SCHEMA_ID);
  if (bundleSchema === undefined) throw new Error(`${root}: no ${BUNDLE_SCHEMA_ID}`);
  ajv.addSchema(patchBundleSchema(bundleSchema, objectSchemasOf(files)));
  const own = readJson(OWN_SCHEMA_FILE);
  ajv.addSchema(own);
  addFormats.default(ajv, ['uuid']);
  const extensionSchema = readJson(EXTENSION_SCHEMA_FILE);
  ajv.addSchema(extensionSchema);

  const compiled = (id: string) => {
    const v = ajv.getSchema(id);
    if (v === undefined) throw new Error(`schema ${id} not found under ${root}`);
    return v;
  };
  const bundle = compiled(PATCHED_BUNDLE_SCHEMA_ID);
  const unpatchedBundle = compiled(BUNDLE_SCHEMA_ID);
  const core = compiled(CORE_SCHEMA_ID);
  const observableCore = compiled(CYBER_OBSERVABLE_CORE_ID);
  const sharingExtension = compiled(String(extensionSchema.$id));
  const byType = new Map([...typeSchemasOf(files)].map(([type, id]) => [type, compiled(id)]));

  // The TLP 2.0 extension schema is draft-07 and $refs the 2020-12 common files; those use nothing
  // draft-07 lacks, so they are registered again in the draft-07 instance without their $schema.
  const ajv7 = new Ajv(options);
  addFormats.default(ajv7, ['uri', 'email']);
  for (const schema of files) {
    if (String(schema.$id).includes('/common/')) {
      const { $schema: _drop, ...rest } = schema;
      ajv7.addSchema(rest);
    }
  }
  const tlp = ajv7.compile(readJson(join(root, 'tlp-2.0', `${TLP_EXTENSION_ID}.json`)));

  function validateObject(o: Record<string, unknown>, where: string): string[] {
    const out: string[] = [];
    const check = (v: ValidateFunction, what: string) => {
      if (!v(o)) out.push(`${where} fails ${what}: ${describe(v.errors)}`);
    };
    const type = String(o.type);
    const forType = byType.get(type);
    if (forType !== undefined) check(forType, `${type}.json`);
    // A custom object (STIX 2.1 §11.2): an SDO has created/modified, an SCO does not.
    else if ('created' in o) check(core, 'core.json');
    else check(observableCore, 'cyber-observable-core.json');
    const extensions = o.extensions;
    const mine =
      typeof extensions === 'object' && extensions !== null
        ? (extensions as Record<string, unknown>)[SHARING_EXTENSION_ID]
        : undefined;
    if (mine !== undefined && !sharingExtension(mine)) {
      out.push(`${where} fails precursor-risk-sharing.schema.json: ${describe(sharingExtension.errors)}`);
    }
    if (
      type === 'marking-definition' &&
      typeof extensions === 'object' &&
      extensions !== null &&
      TLP_EXTENSION_ID in extensions
    ) {
      check(tlp, 'the TLP 2.0 marking extension schema');
    }
    return out;
  }

  return {
    schemas: { ajv2020: ajv, bundle, unpatchedBundle },
    validateBundle(value) {
      const problems: string[] = [];
      const objects = (value as { objects?: unknown } | null)?.objects;
      if (Array.isArray(objects)) {
        objects.forEach((o, i) => {
          if (typeof o === 'object' && o !== null) {
            problems.push(
              ...validateObject(
                o as Record<string, unknown>,
                `objects[${i}] ${String((o as { id?: unknown }).id)}`,
              ),
            );
          }
        });
      }
      if (!bundle(value)) problems.push(`bundle fails bundle.json (patched): ${describe(bundle.errors)}`);
      return problems;
    },
  };
}

// The Node versions this project runs on are the `engines.node` range of package.json: the README's
// promise, checked once at start-up so an unsupported Node fails with one line instead of a stack trace
// from deep inside a dependency. Reads: package.json. Writes: nothing.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** The supported range, e.g. "^20.19.0 || >=22.12.0". */
export function supportedNodeRange(): string {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { engines?: { node?: string } };
  const range = pkg.engines?.node;
  if (range === undefined || semver.validRange(range) === null) {
    throw new Error('package.json has no valid engines.node range');
  }
  return range;
}

/** A one-line reason when `version` is outside the supported range, else undefined. */
export function unsupportedNode(version: string = process.version, range = supportedNodeRange()) {
  if (semver.satisfies(version, range)) return undefined;
  return `Node ${version} is not supported: precursor-risk needs Node ${range} (package.json engines)`;
}

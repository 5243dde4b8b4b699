// `npx tsx services/chemistry/fetch-opsin.ts`: fetches OPSIN's jars with Maven (infra/opsin/pom.xml) into
// .local/opsin/libs unless they are there; run by scripts/test.mjs so tests on a clean clone have them.
import { ensureOpsinJars } from './opsin.ts';

try {
  await ensureOpsinJars(undefined, 'mvn', (m) => process.stderr.write(`${m}\n`));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

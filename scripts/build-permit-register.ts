// Writes models/permits/generated.csv: the permit register behind the generator's licensed trade
// (services/generator/permits.ts). Run after changing the party pool, the catalogue or PERMIT_YEARS:
//   npx tsx scripts/build-permit-register.ts
// A unit test (services/generator/permits.test.ts) fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { GENERATED_REGISTER_PATH, generatedRegisterCsv } from '../services/generator/permits.ts';

writeFileSync(GENERATED_REGISTER_PATH, generatedRegisterCsv());
process.stdout.write(`wrote ${GENERATED_REGISTER_PATH}\n`);

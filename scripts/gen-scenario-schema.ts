// Writes scenarios/scenario.schema.json from the TypeBox scenario schema (editors validate and complete
// scenario files with it). A test fails when the committed file is stale: run
//   node --import tsx scripts/gen-scenario-schema.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '../src/tenants/scenario/schema.js';

const target = fileURLToPath(new URL('../scenarios/scenario.schema.json', import.meta.url));
writeFileSync(target, scenarioJsonSchema());
console.log(`wrote ${target}`);

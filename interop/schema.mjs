#!/usr/bin/env node
// Usage: node schema.mjs FILE...
// Validates each file against the official OB 3.0 AchievementCredential JSON Schema
// (draft 2019-09; copy in crates/accolade-credentials/schemas/) with ajv in strict mode.
// Exit 0 only when every file passes.
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const SCHEMA = fileURLToPath(new URL(
  '../crates/accolade-credentials/schemas/ob_v3p0_achievementcredential_schema.json', import.meta.url));

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: schema.mjs FILE...');
  process.exit(2);
}
// strictTuples is off: the official schema types `@context` as an open tuple ([0] VC,
// [1] OB, more may follow), which ajv's strict mode otherwise rejects. All other strict checks stay on.
const ajv = new Ajv2019({strict: true, strictTuples: false, allErrors: true});
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));

let allOk = true;
for (const file of files) {
  let errors;
  try {
    const data = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
    errors = validate(data) ? [] : validate.errors.map(e => `${e.instancePath || '/'} ${e.message}` +
      (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''));
  } catch (e) {
    errors = [e.message];
  }
  allOk &&= errors.length === 0;
  console.log(`${file}: ${errors.length === 0 ? 'ok' : 'FAILED'}`);
  for (const e of errors) console.log(`  ${e}`);
}
process.exit(allOk ? 0 : 1);

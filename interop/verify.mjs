#!/usr/bin/env node
// Usage: node verify.mjs [--json] [--docs FILE] [--host-map H=ADDR] [--test-contexts] FILE|-...
// Verifies each credential's eddsa-rdfc-2022 Data Integrity proof with @digitalbazaar/vc,
// fully offline. Exit 0 only if every file verifies. credentialStatus is NOT checked (the
// status list is not fetched); such files are marked "(status not checked)".
import {verifyCredential} from '@digitalbazaar/vc';
import {makeDocumentLoader, parseArgs} from './lib/loader.mjs';
import {readJson, skipStatusCheck, verifySuite} from './lib/suite.mjs';

const {options, files} = parseArgs(process.argv.slice(2), {flags: ['--json']});
if (files.length === 0) {
  console.error('usage: verify.mjs [--json] [--docs FILE] [--host-map H=ADDR] FILE|-...');
  process.exit(2);
}
const documentLoader = makeDocumentLoader(options);

const reason = result => {
  const errors = [result.error, ...(result.results ?? []).map(r => r.error)]
    .flatMap(e => (e ? (e.errors ?? [e]) : []));
  return [...new Set(errors.map(e => e.message ?? String(e)))].join('; ') || 'not verified';
};

let allOk = true;
const report = [];
for (const file of files) {
  let ok = false;
  let why;
  let note = '';
  try {
    const credential = readJson(file);
    const result = await verifyCredential({
      credential, suite: verifySuite(), documentLoader, checkStatus: skipStatusCheck,
    });
    if (credential.credentialStatus) note = ' (status not checked)';
    ok = result.verified === true;
    if (!ok) why = reason(result);
  } catch (e) {
    why = e.message;
  }
  allOk &&= ok;
  report.push({file, verified: ok, statusChecked: false, ...(ok ? {} : {error: why})});
  if (!options.json) console.log(`${file}: ${ok ? `ok${note}` : `FAILED: ${why}`}`);
}
if (options.json) console.log(JSON.stringify(report, null, 2));
process.exit(allOk ? 0 : 1);

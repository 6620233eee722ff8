#!/usr/bin/env node
// Usage: node verify.mjs [--json] [--check-status] [--docs FILE] [--host-map H=ADDR]
//                        [--test-contexts] FILE|URL|-...
// Verifies each credential's Data Integrity proof (eddsa-rdfc-2022, eddsa-jcs-2022,
// ecdsa-rdfc-2019 or ecdsa-jcs-2019) with @digitalbazaar/vc,
// fully offline (see lib/loader.mjs). A credential may be an http(s) URL on a --host-map host,
// fetched with `Accept: application/json`. With --check-status, each BitstringStatusListEntry
// is checked with @digitalbazaar/vc-bitstring-status-list (list fetched and verified through
// the same loader; a set revocation/suspension bit fails); without it credentialStatus is not
// checked and such credentials are marked "(status not checked)". Exit 0 only if all verify.
import {verifyCredential} from '@digitalbazaar/vc';
import {makeDocumentLoader, parseArgs, readCredential} from './lib/loader.mjs';
import {checkStatus, skipStatusCheck, verifySuite} from './lib/suite.mjs';

const {options, files} = parseArgs(process.argv.slice(2), {flags: ['--json', '--check-status']});
if (files.length === 0) {
  console.error('usage: verify.mjs [--json] [--check-status] [--docs FILE] [--host-map H=ADDR] FILE|URL|-...');
  process.exit(2);
}
const documentLoader = makeDocumentLoader(options);
const statusChecked = Boolean(options['check-status']);

// An error with `errors` (VerificationError) stands for those; a status error also shows its cause.
const flatten = e => (!e ? [] : e.errors ? e.errors.flatMap(flatten) : [e, ...flatten(e.cause)]);
const reason = result => {
  const errors = [result.error, ...(result.results ?? []).map(r => r.error), result.statusResult?.error]
    .flatMap(flatten);
  const messages = [...new Set(errors.map(e => e.message ?? String(e)))];
  return messages.filter(m => !messages.some(o => o !== m && o.includes(m))).join('; ') || 'not verified';
};

let allOk = true;
const report = [];
for (const file of files) {
  let ok = false;
  let why;
  let note = '';
  try {
    const credential = await readCredential(file, options.hostMap);
    const result = await verifyCredential({
      credential, suite: verifySuite(), documentLoader,
      checkStatus: statusChecked ? checkStatus : skipStatusCheck,
    });
    if (credential.credentialStatus && !statusChecked) note = ' (status not checked)';
    ok = result.verified === true;
    if (!ok) why = reason(result);
  } catch (e) {
    why = e.message;
  }
  allOk &&= ok;
  report.push({file, verified: ok, statusChecked, ...(ok ? {} : {error: why})});
  if (!options.json) console.log(`${file}: ${ok ? `ok${note}` : `FAILED: ${why}`}`);
}
if (options.json) console.log(JSON.stringify(report, null, 2));
process.exit(allOk ? 0 : 1);

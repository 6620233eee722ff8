#!/usr/bin/env node
// Usage: node verifier-core.mjs [--json] [--host-map H=ADDR]... FILE|URL|-...
// Verifies each credential with @digitalcredentials/verifier-core, the verifier inside the
// Learner Credential Wallet: its own suites, document loader, did:web resolver and
// BitstringStatusList check. Prints `ok` or `FAILED: <reason>` per credential (--json: its
// full results); exit 0 only if all pass.
//
// Network: every request verifier-core makes goes through globalThis.fetch (its http client is
// ky, which calls globalThis.fetch per request; the schema check calls fetch directly). This
// script replaces globalThis.fetch before loading verifier-core: https://H/... on a --host-map
// host goes to http://ADDR/... (Host header kept), the OB 3.0 JSON Schema it looks up is
// served from the crate's copy, and any other URL gets a 403 answered right here: nothing
// reaches the internet.
import {readFileSync} from 'node:fs';
import {httpGet, mapUrl, parseArgs, readCredential} from './lib/loader.mjs';

const {options, files} = parseArgs(process.argv.slice(2), {flags: ['--json']});
if (files.length === 0) {
  console.error('usage: verifier-core.mjs [--json] [--host-map H=ADDR] FILE|URL|-...');
  process.exit(2);
}
if (Object.keys(options.docs).length || options.testContexts) {
  console.error('verifier-core.mjs uses its own document loader: --docs and --test-contexts do not apply');
  process.exit(2);
}

const LOCAL_FILES = {
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json':
    new URL('../crates/accolade-credentials/schemas/ob_v3p0_achievementcredential_schema.json', import.meta.url),
};
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  if (LOCAL_FILES[request.url]) {
    return new Response(readFileSync(LOCAL_FILES[request.url]), {headers: {'content-type': 'application/json'}});
  }
  if (request.method !== 'GET' || !mapUrl(request.url, options.hostMap)) {
    // An HTTP error (not a thrown TypeError), so verifier-core reports an unreachable key or
    // status list as such instead of as a bad signature.
    const message = `verifier-core.mjs refused ${request.method} ${request.url}: host not in --host-map`;
    return new Response(JSON.stringify({message}), {status: 403, headers: {'content-type': 'application/json'}});
  }
  const {status, headers, body} = await httpGet(request.url, options.hostMap, Object.fromEntries(request.headers));
  return new Response([204, 304].includes(status) ? null : body, {status, headers});
};
// Its ajv instance warns about the official OB schema's open @context tuple (see schema.mjs).
const warn = console.warn;
console.warn = (...args) => String(args[0]).startsWith('strict mode:') || warn(...args);
const {verifyCredential} = await import('@digitalcredentials/verifier-core');

// verifier-core deletes `verified` from its result. Fatal problems (bad signature, key not
// resolvable, no proof...) are in `errors`; otherwise `log` holds the steps {id, valid, error?}:
// valid_signature, <purpose>_status (its status list check), expiration, registered_issuer.
// `registered_issuer` (trust-registry lookup; none configured here) is not a failure.
function outcome(result, credential) {
  const reasons = (result.errors ?? []).map(e => `${e.name}: ${e.message}`);
  for (const step of result.log ?? []) {
    if (step.id === 'registered_issuer') continue;
    if (step.error) reasons.push(`${step.id}: ${step.error.name}: ${step.error.message}`);
    else if (step.valid === false) reasons.push(`${step.id}: valid=false`);
  }
  const notes = [];
  if (credential?.credentialStatus && !result.errors && !result.log?.some(s => s.id.endsWith('_status'))) {
    notes.push('status not checked');
  }
  for (const info of result.additionalInformation ?? []) {
    for (const r of [].concat(info.results)) {
      if (r?.result?.valid === false) notes.push(`${info.id}: ${r.result.errors?.length ?? 0} errors`);
    }
  }
  return {ok: reasons.length === 0, reasons, notes};
}

// Errors inside the result (stackTrace) are Error objects; show their name and message.
const errorsAsJson = (key, value) => (value instanceof Error
  ? {name: value.name, message: value.message, ...value} : value);

let allOk = true;
const report = [];
for (const file of files) {
  let credential;
  let result;
  try {
    credential = await readCredential(file, options.hostMap);
    // knownDIDRegistries must be an array: undefined makes the registry lookup throw.
    result = await verifyCredential({credential, knownDIDRegistries: []});
  } catch (e) {
    result = {errors: [{name: 'input_error', message: e.message}]};
  }
  const {ok, reasons, notes} = outcome(result, credential);
  allOk &&= ok;
  report.push({file, ok, result});
  if (!options.json) {
    const note = notes.length ? ` (${notes.join('; ')})` : '';
    console.log(`${file}: ${ok ? `ok${note}` : `FAILED: ${reasons.join('; ')}`}`);
  }
}
if (options.json) console.log(JSON.stringify(report, errorsAsJson, 2));
process.exit(allOk ? 0 : 1);

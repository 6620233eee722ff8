#!/usr/bin/env node
// Usage: node selftest-http.mjs        (ACCOLADE=/path/to/accolade skips `cargo build`)
// Both verifiers (verify.mjs --check-status and verifier-core.mjs) check an Accolade-style
// did:web credential over HTTP, without the Accolade server:
//  - the Rust CLI (`accolade keygen`, `accolade sign`) makes the key, the credential and its
//    BitstringStatusListCredential, issued by did:web:accolade.test:issuers:acme;
//  - a tiny HTTP server on 127.0.0.1 serves them at the paths Accolade uses, and both
//    verifiers reach it through --host-map accolade.test=127.0.0.1:PORT;
//  - the credential verifies (by URL and from a file); a tampered copy fails; without
//    --host-map the DID document is not fetched and it fails; a status list whose proof no
//    longer matches fails; after its bit is set in the (re-signed) list, both report it revoked.
import {execFile, execFileSync} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gunzipSync, gzipSync} from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const workspace = resolve(here, '..');
const tmp = mkdtempSync(join(tmpdir(), 'accolade-http-'));
const write = (name, value) => {
  const path = join(tmp, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
};

// The Rust CLI, built once.
function accoladeBinary() {
  if (process.env.ACCOLADE) return process.env.ACCOLADE;
  try {
    execFileSync('cargo', ['build', '-q', '-p', 'accolade'], {cwd: workspace, stdio: 'inherit'});
  } catch {
    console.error('cargo build -p accolade failed; build it elsewhere (e.g. a `git worktree` of HEAD)'
      + ' and run with ACCOLADE=/path/to/accolade');
    process.exit(2);
  }
  return join(resolve(workspace, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug', 'accolade');
}
const accolade = accoladeBinary();
const cli = (...args) => JSON.parse(execFileSync(accolade, args, {encoding: 'utf8'}));

// Fixtures, as Accolade publishes them for https://accolade.test.
const ORIGIN = 'https://accolade.test';
const DID = 'did:web:accolade.test:issuers:acme';
const LIST_URL = `${ORIGIN}/issuers/acme/status/revocation`;
const uuid = randomUUID();
const CREDENTIAL_URL = `${ORIGIN}/credentials/${uuid}`;
const INDEX = Math.floor(Math.random() * 131072); // statusListIndex, assigned randomly

const keyFile = write('key.json', execFileSync(accolade, ['keygen'], {encoding: 'utf8'}));
const {publicKeyMultibase} = JSON.parse(readFileSync(keyFile, 'utf8'));
const VM = `${DID}#${publicKeyMultibase}`;
const sign = (name, unsigned) =>
  cli('sign', '--key', keyFile, '--verification-method', VM, write(`${name}.unsigned.json`, unsigned));

const didDocument = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: DID,
  verificationMethod: [{id: VM, type: 'Multikey', controller: DID, publicKeyMultibase}],
  assertionMethod: [VM],
};
const credential = sign('credential', {
  '@context': ['https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: CREDENTIAL_URL,
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: {id: DID, type: ['Profile'], name: 'Acme Academy'},
  validFrom: '2025-01-15T12:00:00Z',
  name: 'Rust Fundamentals',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{type: 'IdentityObject', identityType: 'emailAddress', hashed: true,
      identityHash: 'sha256$815d0499d8c5d198644be401ed16156680e2add5bfcb14b8178d5f9aead4cd57',
      salt: 'Kx7Rq2Lw'}],
    achievement: {
      id: `${ORIGIN}/achievements/rust-fundamentals`, type: ['Achievement'],
      name: 'Rust Fundamentals', description: 'Awarded for completing the Rust Fundamentals course.',
      criteria: {narrative: 'Pass the final assessment with a score of 80% or higher.'},
    },
  },
  credentialStatus: {
    id: `${LIST_URL}#${INDEX}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation',
    statusListIndex: String(INDEX), statusListCredential: LIST_URL,
  },
});

// encodedList = "u" + base64url(gzip(bits)), 131,072 bits, index 0 = MSB of byte 0.
const EMPTY_LIST = 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA';
const bits = gunzipSync(Buffer.from(EMPTY_LIST.slice(1), 'base64url'));
if (bits.length !== 16384 || bits.some(b => b !== 0)) throw new Error('EMPTY_LIST is not 16 KiB of zeros');
bits[INDEX >> 3] |= 0x80 >> (INDEX & 7);
const REVOKED_LIST = 'u' + gzipSync(bits).toString('base64url');
const statusList = encodedList => sign(`list-${encodedList.length}`, {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: LIST_URL,
  type: ['VerifiableCredential', 'BitstringStatusListCredential'],
  issuer: DID,
  validFrom: '2025-01-15T12:00:00Z',
  credentialSubject: {id: `${LIST_URL}#list`, type: 'BitstringStatusList',
    statusPurpose: 'revocation', encodedList},
});
const cleanList = statusList(EMPTY_LIST);
const revokedList = statusList(REVOKED_LIST);
const credentialFile = write('credential.json', credential);
write('did.json', didDocument);
write('list-clean.json', cleanList);
write('list-revoked.json', revokedList);
// The revoked list's proof over the clean bits: says "not revoked" but must not be trusted.
const forgedList = {...revokedList, credentialSubject: {...revokedList.credentialSubject, encodedList: EMPTY_LIST}};

// The server: Accolade's paths on Host accolade.test; anything else is a 404.
const served = new Map([
  ['/issuers/acme/did.json', didDocument],
  ['/issuers/acme/status/revocation', cleanList],
  [`/credentials/${uuid}`, credential],
  [`/credentials/${uuid}.json`, credential],
]);
const requests = [];
const server = createServer((req, res) => {
  const body = req.headers.host === 'accolade.test' ? served.get(req.url) : undefined;
  requests.push(`${body ? 200 : 404} ${req.headers.host}${req.url}`);
  res.writeHead(body ? 200 : 404, {'content-type': 'application/json'});
  res.end(JSON.stringify(body ?? {error: 'not found'}));
});
await new Promise(done => server.listen(0, '127.0.0.1', done));
const hostMap = ['--host-map', `accolade.test=127.0.0.1:${server.address().port}`];

// Runs a verifier as its own process (async, so this process keeps serving).
const run = (script, args) => new Promise(done => {
  execFile(process.execPath, [join(here, script), ...args], (error, stdout, stderr) =>
    done({code: error ? error.code ?? 1 : 0, out: (stdout + stderr).trim()}));
});
let failures = 0;
async function expect(label, args, wantCode, wantText, map = hostMap) {
  for (const script of ['verify.mjs', 'verifier-core.mjs']) {
    const extra = script === 'verify.mjs' ? ['--check-status'] : [];
    const {code, out} = await run(script, [...extra, ...map, ...args]);
    const pass = code === wantCode && (!wantText || wantText.test(out));
    if (!pass) failures++;
    console.log(`${pass ? 'PASS' : 'FAIL'} ${script.padEnd(17)} ${label} (exit ${code})\n     ${out.split('\n').join('\n     ')}`);
  }
}

const tampered = structuredClone(credential);
tampered.credentialSubject.achievement.name = 'Rust Mastery';
await expect('credential URL verifies, status list clean', [CREDENTIAL_URL], 0);
await expect('credential {id}.json from a file path too', [credentialFile, `${CREDENTIAL_URL}.json`], 0);
await expect('tampered credential fails', [write('tampered.json', tampered)], 1, /signature/i);
await expect('without --host-map nothing is fetched', [credentialFile], 1, /did\.json|refus/, []);
served.set('/issuers/acme/status/revocation', forgedList);
await expect('status list with a broken proof fails', [CREDENTIAL_URL], 1, /status/i);
served.set('/issuers/acme/status/revocation', revokedList);
await expect(`revoked (bit ${INDEX} set) fails`, [CREDENTIAL_URL], 1, /revocation/i);
server.close();

const hosts = new Set(requests.map(r => r.split(' ')[1].split('/')[0]));
console.log(`\nserver saw ${requests.length} requests, Host ${[...hosts].join(', ')}; ` +
  `${requests.filter(r => r.startsWith('404')).length} were 404`);
console.log(`fixtures: ${tmp}`);
console.log(failures === 0 ? 'selftest-http: all passed' : `selftest-http: ${failures} FAILED`);
process.exit(failures === 0 ? 0 : 1);

#!/usr/bin/env node
// Usage: node selftest.mjs
// Shows the scripts work together, each run as a separate process like a user would:
//  1. keygen.mjs makes a key; sign.mjs signs an OB 3.0 credential issued by its did:key;
//  2. verify.mjs accepts it and schema.mjs accepts it (signed with --proof-array);
//  3. a tampered copy (one field changed) fails verify.mjs;
//  4. the official 1EdTech vector verifies with --docs built from its controller document;
//  5. the W3C vc-di-eddsa eddsa-rdfc-2022 vector verifies (test-only contexts);
//  6. a did:web issuer resolved over --host-map from a local HTTP server verifies.
import {execFile, execFileSync} from 'node:child_process';
import {createServer} from 'node:http';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const vectors = join(here, '..', 'crates', 'accolade-credentials', 'tests', 'vectors');
const tmp = mkdtempSync(join(tmpdir(), 'accolade-interop-'));
const write = (name, value) => {
  const path = join(tmp, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
};
// Runs a script; returns {code, out}. Async so the in-process HTTP server keeps serving.
const run = (script, args) => new Promise(resolve => {
  execFile(process.execPath, [join(here, script), ...args], (error, stdout, stderr) =>
    resolve({code: error ? error.code ?? 1 : 0, out: (stdout + stderr).trim()}));
});
let failures = 0;
const expect = (label, result, wantCode) => {
  const pass = result.code === wantCode;
  if (!pass) failures++;
  // For signed output show only the proof value; otherwise the script's own report.
  const shown = result.out.startsWith('{') && pass
    ? `proofValue ${/"proofValue": "([^"]+)"/.exec(result.out)?.[1]}` : result.out;
  console.log(`${pass ? 'PASS' : 'FAIL'} ${label} (exit ${result.code})\n     ${shown.split('\n').join('\n     ')}`);
};

// 1–3: did:key round trip.
const keyFile = write('key.json', execFileSync(process.execPath, [join(here, 'keygen.mjs')], {encoding: 'utf8'}));
const {publicKeyMultibase} = JSON.parse(readFileSync(keyFile, 'utf8'));
const did = `did:key:${publicKeyMultibase}`;
const unsigned = (issuerId) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'https://example.com/credentials/8f3c2a10-5d7e-4b61-9a2f-0c4d1e6b7a93',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: {id: issuerId, type: ['Profile'], name: 'Example Academy'},
  validFrom: '2025-01-15T12:00:00Z',
  name: 'Rust Fundamentals',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{type: 'IdentityObject', identityType: 'emailAddress', hashed: true,
      identityHash: 'sha256$815d0499d8c5d198644be401ed16156680e2add5bfcb14b8178d5f9aead4cd57',
      salt: 'Kx7Rq2Lw'}],
    achievement: {
      id: 'https://example.com/achievements/rust-fundamentals', type: ['Achievement'],
      name: 'Rust Fundamentals', description: 'Awarded for completing the Rust Fundamentals course.',
      criteria: {narrative: 'Pass the final assessment with a score of 80% or higher.'},
    },
  },
});
const signedRun = await run('sign.mjs', ['--proof-array', '--key', keyFile, write('unsigned.json', unsigned(did))]);
expect('sign.mjs signs with a did:key', signedRun, 0);
const signedFile = write('signed.json', signedRun.out);
expect('verify.mjs accepts the signed credential', await run('verify.mjs', [signedFile]), 0);
expect('schema.mjs accepts the signed credential', await run('schema.mjs', [signedFile]), 0);
const tampered = JSON.parse(readFileSync(signedFile, 'utf8'));
tampered.credentialSubject.achievement.name = 'Rust Mastery';
expect('verify.mjs rejects a tampered copy', await run('verify.mjs', [write('tampered.json', tampered)]), 1);

// 4: official 1EdTech OB 3.0 vector.
const controller = JSON.parse(readFileSync(join(vectors, '1edtech', 'issuer-565049.controller.json'), 'utf8'));
const docs1edtech = write('docs-1edtech.json', {[controller.id]: controller});
const vector1edtech = join(vectors, '1edtech', 'ob3-eddsa-rdfc-2022-testvector.json');
expect('1EdTech OB 3.0 vector verifies', await run('verify.mjs', ['--docs', docs1edtech, vector1edtech]), 0);
expect('1EdTech vector fails without its controller document', await run('verify.mjs', [vector1edtech]), 1);

// 5: W3C vc-di-eddsa vector.
const w3c = join(vectors, 'w3c-vc-di-eddsa');
expect('W3C eddsa-rdfc-2022 vector verifies', await run('verify.mjs', ['--test-contexts',
  '--docs', join(w3c, 'derived-docs.json'), join(w3c, 'eddsa-rdfc-2022', 'signedDataInt.json')]), 0);

// 6: did:web over --host-map to a local server (never the internet).
const didWeb = 'did:web:issuer.example:issuers:1';
const vmId = `${didWeb}#${publicKeyMultibase}`;
const didDoc = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: didWeb,
  verificationMethod: [{id: vmId, type: 'Multikey', controller: didWeb, publicKeyMultibase}],
  assertionMethod: [vmId],
};
const server = createServer((req, res) => {
  const ok = req.url === '/issuers/1/did.json' && req.headers.host === 'issuer.example';
  res.writeHead(ok ? 200 : 404, {'content-type': 'application/did+json'});
  res.end(ok ? JSON.stringify(didDoc) : '{}');
});
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const hostMap = `issuer.example=127.0.0.1:${server.address().port}`;
const webSigned = await run('sign.mjs', ['--key', keyFile, '--vm', vmId, write('unsigned-web.json', unsigned(didWeb))]);
expect('sign.mjs signs for a did:web verification method', webSigned, 0);
expect('verify.mjs resolves did:web through --host-map', await run('verify.mjs',
  ['--host-map', hostMap, write('signed-web.json', webSigned.out)]), 0);
expect('verify.mjs refuses an unmapped host', await run('verify.mjs', [join(tmp, 'signed-web.json')]), 1);
server.close();

console.log(failures === 0 ? '\nselftest: all passed' : `\nselftest: ${failures} FAILED`);
process.exit(failures === 0 ? 0 : 1);

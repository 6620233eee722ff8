#!/usr/bin/env node
// Usage: node jose-verify.mjs (--jwk JWK_FILE | --did DID_DOCUMENT_FILE) TOKEN_FILE
// Checks an Open Badges 3.0 VC-JWT with `jose` (panva), offline: the public key is the JWK
// given (as served at the token's `kid`), or the `JsonWebKey` verification method of the
// DID document whose publicKeyJwk.kid equals the token's `kid` (it must be listed in
// assertionMethod). Then the checks of the OB 3.0 VC-JWT profile (as the 1EdTech validator
// makes them): alg ES256 or RS256, typ "JWT" if present, no other header than alg/kid/typ,
// kid an https URL; and the claims equal the credential's fields: iss = issuer.id,
// jti = id, sub = credentialSubject.id (absent when the subject has no id),
// nbf = validFrom, exp = validUntil (absent when there is none).
// Prints one JSON line {"verified": true, ...} or {"verified": false, "error": ...};
// exit 0 only when verified.
import {readFileSync} from 'node:fs';
import {compactVerify, decodeProtectedHeader, importJWK, jwtVerify} from 'jose';

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const jwkFile = option('--jwk');
const didFile = option('--did');
const [tokenFile] = args;
if (!tokenFile || (!jwkFile && !didFile)) {
  console.error('usage: jose-verify.mjs (--jwk JWK_FILE | --did DID_DOCUMENT_FILE) TOKEN_FILE');
  process.exit(2);
}

const fail = error => {
  console.log(JSON.stringify({verified: false, error}));
  process.exit(1);
};

const token = readFileSync(tokenFile, 'utf8').trim();
const readJson = file => JSON.parse(readFileSync(file, 'utf8'));

/** The key of the DID document for `kid`, authorized for assertions. */
function fromDidDocument(doc, kid) {
  const methods = [].concat(doc.verificationMethod ?? []);
  const vm = methods.find(m => m?.publicKeyJwk?.kid === kid);
  if (!vm) throw new Error(`the DID document lists no key with kid ${kid}`);
  const assertion = [].concat(doc.assertionMethod ?? []).map(m => (typeof m === 'string' ? m : m.id));
  if (!assertion.includes(vm.id)) throw new Error(`${vm.id} is not in assertionMethod`);
  if (vm.controller !== doc.id) throw new Error(`${vm.id} is controlled by ${vm.controller}, not ${doc.id}`);
  return vm.publicKeyJwk;
}

const seconds = iso => Math.floor(Date.parse(iso) / 1000);

try {
  const header = decodeProtectedHeader(token);
  if (!['ES256', 'RS256'].includes(header.alg)) fail(`alg ${header.alg} is not RS256 or ES256`);
  if (header.typ !== undefined && header.typ !== 'JWT') fail(`typ ${header.typ} is not JWT`);
  const extra = Object.keys(header).filter(k => !['alg', 'kid', 'typ'].includes(k));
  if (extra.length) fail(`unexpected header members: ${extra.join(', ')}`);
  if (!/^https:\/\//.test(header.kid ?? '')) fail(`kid ${header.kid} is not an https URL`);

  const jwk = jwkFile ? readJson(jwkFile) : fromDidDocument(readJson(didFile), header.kid);
  if ('d' in jwk) fail('the published JWK holds a private key');
  if (jwkFile && jwk.kid !== undefined && jwk.kid !== header.kid) {
    fail(`the JWK's kid ${jwk.kid} is not the token's ${header.kid}`);
  }
  const key = await importJWK(jwk, header.alg);
  // The signature alone, then as a JWT (nbf and exp against the clock, typ).
  await compactVerify(token, key, {algorithms: ['ES256', 'RS256']});
  const {payload, protectedHeader} = await jwtVerify(token, key, {algorithms: ['ES256', 'RS256'], typ: 'JWT'});

  const issuerId = typeof payload.issuer === 'string' ? payload.issuer : payload.issuer?.id;
  const expected = {
    iss: issuerId,
    jti: payload.id,
    sub: payload.credentialSubject?.id,
    nbf: payload.validFrom === undefined ? undefined : seconds(payload.validFrom),
    exp: payload.validUntil === undefined ? undefined : seconds(payload.validUntil),
  };
  for (const [claim, want] of Object.entries(expected)) {
    if (payload[claim] !== want) fail(`claim ${claim} is ${payload[claim]}, the credential says ${want}`);
  }
  if (!payload['@context'] || !payload.type?.includes('OpenBadgeCredential')) {
    fail('the payload is not an OpenBadgeCredential');
  }
  console.log(JSON.stringify({
    verified: true,
    alg: protectedHeader.alg,
    kid: protectedHeader.kid,
    claims: Object.fromEntries(Object.keys(expected).filter(c => c in payload).map(c => [c, payload[c]])),
  }));
} catch (e) {
  fail(`${e.code ?? e.name}: ${e.message}`);
}

#!/usr/bin/env node
// Usage: node suites.mjs [--test-contexts] UNSIGNED.json
// Signs the unsigned credential with every cryptosuite of the Digital Bazaar stack, each with
// a key generated now: eddsa-rdfc-2022 and eddsa-jcs-2022 (Ed25519), ecdsa-rdfc-2019 and
// ecdsa-jcs-2019 on P-256 and on P-384. The issuer id becomes the key's did:key, so the
// result verifies anywhere without a published document. Prints a JSON array of
// {cryptosuite, key, credential}. The ECDSA signatures come from WebCrypto (random nonces,
// either s), the way these credentials are met in the wild.
import {issue} from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {makeDocumentLoader, parseArgs} from './lib/loader.mjs';
import {EcdsaMultikey, Ed25519Multikey, readJson, signingCryptosuite} from './lib/suite.mjs';

const {options, files} = parseArgs(process.argv.slice(2));
if (files.length !== 1) {
  console.error('usage: suites.mjs [--test-contexts] UNSIGNED.json');
  process.exit(2);
}
const documentLoader = makeDocumentLoader(options);
const unsigned = readJson(files[0]);

async function didKeyPair(kind) {
  const key = kind === 'Ed25519' ? await Ed25519Multikey.generate()
    : await EcdsaMultikey.generate({curve: kind});
  key.controller = `did:key:${key.publicKeyMultibase}`;
  key.id = `${key.controller}#${key.publicKeyMultibase}`;
  return key;
}

const plan = [
  ['eddsa-rdfc-2022', 'Ed25519'], ['eddsa-jcs-2022', 'Ed25519'],
  ['ecdsa-rdfc-2019', 'P-256'], ['ecdsa-jcs-2019', 'P-256'],
  ['ecdsa-rdfc-2019', 'P-384'], ['ecdsa-jcs-2019', 'P-384'],
];
const out = [];
for (const [cryptosuite, kind] of plan) {
  const key = await didKeyPair(kind);
  const credential = structuredClone(unsigned);
  if (credential.issuer && typeof credential.issuer === 'object') {
    credential.issuer.id = key.controller;
  } else {
    credential.issuer = key.controller;
  }
  const suite = new DataIntegrityProof({signer: key.signer(), cryptosuite: signingCryptosuite(cryptosuite)});
  out.push({cryptosuite, key: kind, credential: await issue({credential, suite, documentLoader})});
}
console.log(JSON.stringify(out, null, 2));

#!/usr/bin/env node
// Usage: node sign.mjs --key KEYFILE [--vm VERIFICATION_METHOD_ID] [--created ISO]
//                      [--proof-array] [--docs FILE] [--host-map H=ADDR] [--test-contexts] FILE|-
// Signs an unsigned credential with an eddsa-rdfc-2022 DataIntegrityProof (Digital Bazaar
// stack, offline) and prints the signed JSON. Default verification method:
// did:key:<publicKeyMultibase>#<publicKeyMultibase>. The Digital Bazaar stack emits `proof` as
// one object; --proof-array wraps it in an array, as the OB 3.0 JSON Schema (json/) requires.
import {issue} from '@digitalbazaar/vc';
import {makeDocumentLoader, parseArgs} from './lib/loader.mjs';
import {keyPairFromFile, readJson, signSuite} from './lib/suite.mjs';

const {options, files} = parseArgs(process.argv.slice(2), {flags: ['--proof-array'], values: ['--key', '--vm', '--created']});
if (!options.key || files.length !== 1) {
  console.error('usage: sign.mjs --key KEYFILE [--vm VM_ID] [--created ISO] [--docs FILE] FILE|-');
  process.exit(2);
}
const keyPair = await keyPairFromFile(options.key, options.vm);
const credential = readJson(files[0]);
const signed = await issue({
  credential,
  suite: signSuite(keyPair, options.created),
  documentLoader: makeDocumentLoader(options),
});
if (options['proof-array'] && !Array.isArray(signed.proof)) signed.proof = [signed.proof];
console.log(JSON.stringify(signed, null, 2));

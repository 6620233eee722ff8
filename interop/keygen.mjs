#!/usr/bin/env node
// Prints a new Ed25519 key pair, made by @digitalbazaar/ed25519-multikey, in KEYFILE format:
// {"publicKeyMultibase":"z6Mk…","secretKeyMultibase":"z3u2…"}
// The library exports the 64-byte seed‖public secret key ("zru…"); Accolade's KEYFILE
// holds only the 32-byte seed: multibase base58btc of 0x80 0x26 ‖ seed.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {decode, encode} from 'base58-universal';

const keyPair = await Ed25519Multikey.generate();
const {publicKeyMultibase, secretKeyMultibase: full} =
  await keyPair.export({publicKey: true, secretKey: true, includeContext: false});
const bytes = decode(full.slice(1));
if (bytes[0] !== 0x80 || bytes[1] !== 0x26 || bytes.length !== 2 + 64) {
  throw new Error('unexpected secret key encoding from @digitalbazaar/ed25519-multikey');
}
const secretKeyMultibase = 'z' + encode(bytes.subarray(0, 2 + 32));
console.log(JSON.stringify({publicKeyMultibase, secretKeyMultibase}, null, 2));

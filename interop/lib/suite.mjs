// The Digital Bazaar Data Integrity suite with the eddsa-rdfc-2022, eddsa-jcs-2022,
// ecdsa-rdfc-2019 and ecdsa-jcs-2019 cryptosuites.
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as ecdsaJcs2019 from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {checkStatus as checkBitstringStatusList} from '@digitalbazaar/vc-bitstring-status-list';
import {readFileSync} from 'node:fs';

export {Ed25519Multikey, EcdsaMultikey};

/** Verifying suites: a proof is checked by the one whose cryptosuite it names. */
export const verifySuite = () => [
  eddsaRdfc2022, eddsaJcs2022.createVerifyCryptosuite(),
  ecdsaRdfc2019, ecdsaJcs2019.createVerifyCryptosuite(),
].map(cryptosuite => new DataIntegrityProof({cryptosuite}));

/** The signing cryptosuite object for a cryptosuite name. */
export function signingCryptosuite(name) {
  const suites = {
    'eddsa-rdfc-2022': () => eddsaRdfc2022,
    'eddsa-jcs-2022': () => eddsaJcs2022.createSignCryptosuite(),
    'ecdsa-rdfc-2019': () => ecdsaRdfc2019,
    'ecdsa-jcs-2019': () => ecdsaJcs2019.createSignCryptosuite(),
  };
  if (!suites[name]) throw new Error(`unknown cryptosuite ${name}`);
  return suites[name]();
}

/** Reads JSON from a path, or from stdin when the path is '-'. */
export function readJson(path) {
  return JSON.parse(readFileSync(path === '-' ? 0 : path, 'utf8'));
}

/** KEYFILE JSON {publicKeyMultibase, secretKeyMultibase} -> Ed25519Multikey key pair. */
export async function keyPairFromFile(path, vm) {
  const {publicKeyMultibase, secretKeyMultibase} = readJson(path);
  const controller = vm ? vm.split('#')[0] : `did:key:${publicKeyMultibase}`;
  const id = vm ?? `${controller}#${publicKeyMultibase}`;
  return Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey', id, controller, publicKeyMultibase, secretKeyMultibase,
  });
}

/** A signing suite for `keyPair`; `date` fixes proof.created (a Date or ISO string). */
export function signSuite(keyPair, date) {
  return new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date});
}

/**
 * The status check handed to verifyCredential: these scripts verify proofs only, so a
 * credentialStatus entry is accepted without fetching its list (reported by the caller).
 */
export const skipStatusCheck = async () => ({verified: true});

/**
 * The real status check (verify.mjs --check-status): @digitalbazaar/vc-bitstring-status-list
 * loads each BitstringStatusListCredential through the caller's documentLoader, verifies its
 * proof with the caller's suite, checks that its issuer and statusPurpose match, and reads the
 * bit. That library reports `verified: true` with `status: true` for a set bit, so a set
 * revocation or suspension bit is turned into a failure here.
 */
export async function checkStatus(options) {
  const result = await checkBitstringStatusList({...options, verifyMatchingIssuers: true});
  const set = (result.results ?? []).filter(r => r.status &&
    ['revocation', 'suspension'].includes(r.credentialStatus.statusPurpose));
  if (!result.verified || set.length === 0) return result;
  const what = set.map(({credentialStatus: cs}) =>
    `${cs.statusPurpose} bit ${cs.statusListIndex} is set in ${cs.statusListCredential}`);
  return {...result, verified: false, error: new Error(`credential status: ${what.join('; ')}`)};
}

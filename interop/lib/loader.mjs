// Offline JSON-LD document loader for the interop scripts.
//
// - Contexts come only from crates/accolade-credentials/contexts/manifest.json (and, when
//   asked, the test-only tests/vectors/contexts/manifest.json); every file's SHA-256 is
//   checked against the manifest when the loader is built.
// - did:key is resolved locally.
// - did:web documents, http(s) verification methods / controller documents and status list
//   credentials come from a map given with --docs FILE ({url-or-did: document}) or over
//   plain HTTP to hosts mapped with --host-map example.com=127.0.0.1:8080
//   (https://example.com/x and did:web:example.com:x both go to http://127.0.0.1:8080/...).
// - Anything else is an error: nothing is ever fetched from the internet.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {request} from 'node:http';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as didKey from '@digitalbazaar/did-method-key';

const CRATE = join(dirname(fileURLToPath(import.meta.url)), '..', '..',
  'crates', 'accolade-credentials');
export const MANIFESTS = {
  production: join(CRATE, 'contexts', 'manifest.json'),
  test: join(CRATE, 'tests', 'vectors', 'contexts', 'manifest.json'),
};

/** Reads a manifest and returns Map(url -> parsed context), checking each SHA-256. */
export function loadContexts(manifestPath) {
  const dir = dirname(manifestPath);
  const contexts = new Map();
  for (const {url, file, sha256} of JSON.parse(readFileSync(manifestPath, 'utf8'))) {
    const bytes = readFileSync(join(dir, file));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new Error(`context ${url}: ${file} has SHA-256 ${actual}, manifest pins ${sha256}`);
    }
    contexts.set(url, JSON.parse(bytes));
  }
  return contexts;
}

/** Parses the common CLI options; returns {options, files}. */
export function parseArgs(argv, {flags = [], values = []} = {}) {
  const options = {hostMap: {}, docs: {}};
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--docs') {
      Object.assign(options.docs, JSON.parse(readFileSync(next(), 'utf8')));
    } else if (arg === '--host-map') {
      const [host, addr] = next().split('=');
      if (!host || !addr) throw new Error('--host-map wants HOST=ADDR:PORT');
      options.hostMap[host] = addr;
    } else if (arg === '--test-contexts') {
      options.testContexts = true;
    } else if (flags.includes(arg)) {
      options[arg.slice(2)] = true;
    } else if (values.includes(arg)) {
      options[arg.slice(2)] = next();
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  return {options, files};
}

/** did:web:example.com:issuers:1 -> https://example.com/issuers/1/did.json */
export function didWebToUrl(did) {
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  const origin = `https://${decodeURIComponent(host)}`;
  return path.length === 0 ? `${origin}/.well-known/did.json`
    : `${origin}/${path.map(decodeURIComponent).join('/')}/did.json`;
}

/**
 * The plain-HTTP address for an http(s) URL whose host is in `hostMap`:
 * mapUrl('https://accolade.test/a?b', {'accolade.test': '127.0.0.1:8080'})
 *   -> 'http://127.0.0.1:8080/a?b'. Undefined when the host is not mapped.
 */
export function mapUrl(url, hostMap) {
  const target = new URL(url);
  if (!/^https?:$/.test(target.protocol)) return undefined;
  const mapped = hostMap[target.host] ?? hostMap[target.hostname];
  return mapped && `http://${mapped}${target.pathname}${target.search}`;
}

/**
 * GET over plain HTTP to the mapped address of an http(s) URL; the Host header keeps the
 * original name. Resolves to {status, headers, body: Buffer}; refuses unmapped hosts.
 */
export function httpGet(url, hostMap, headers = {}) {
  const mapped = mapUrl(url, hostMap);
  if (!mapped) {
    return Promise.reject(new Error(`refusing to fetch ${url}: host not in --host-map and not in --docs`));
  }
  const {hostname, port, pathname, search} = new URL(mapped);
  return new Promise((resolve, reject) => {
    const req = request({
      hostname, port: port || 80, path: pathname + search, method: 'GET',
      headers: {...headers, host: new URL(url).host}, timeout: 5000,
    }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks)}));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', e => reject(new Error(`GET ${url} (via ${mapped}): ${e.message}`)));
    req.end();
  });
}

const ACCEPT_DOCUMENT = 'application/did+json, application/ld+json, application/json';

/** GETs a JSON document from a --host-map host (see httpGet). */
export async function httpGetJson(url, hostMap, accept = ACCEPT_DOCUMENT) {
  const {status, body} = await httpGet(url, hostMap, {accept});
  if (status !== 200) throw new Error(`GET ${url} (via ${mapUrl(url, hostMap)}): HTTP ${status}`);
  return JSON.parse(body.toString('utf8'));
}

/** A credential named on the command line: a file, `-` for stdin, or an http(s) URL. */
export async function readCredential(arg, hostMap) {
  if (/^https?:\/\//.test(arg)) return httpGetJson(arg, hostMap, 'application/json');
  return JSON.parse(readFileSync(arg === '-' ? 0 : arg, 'utf8'));
}

/** Picks the verification method `id` out of a controller document. */
function selectVerificationMethod(doc, id, base) {
  const vms = [].concat(doc.verificationMethod ?? [], doc.assertionMethod ?? [])
    .filter(vm => typeof vm === 'object');
  const vm = vms.find(v => v.id === id || new URL(v.id, base).href === id);
  if (!vm) throw new Error(`${base} has no verification method ${id}`);
  return {'@context': doc['@context'], ...vm};
}

/**
 * Builds a jsonld.js-style document loader.
 * @param {{testContexts?: boolean, docs?: object, hostMap?: object}} options
 */
export function makeDocumentLoader({testContexts = false, docs = {}, hostMap = {}} = {}) {
  const contexts = loadContexts(MANIFESTS.production);
  if (testContexts) {
    for (const [url, ctx] of loadContexts(MANIFESTS.test)) contexts.set(url, ctx);
  }
  const didKeyDriver = didKey.driver();
  didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  // P-256 (0x1200) and P-384 (0x1201) Multikeys.
  didKeyDriver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
  didKeyDriver.use({multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from});
  const fetched = new Map();

  // A did:web DID document, an https controller document / key, or a status list credential.
  async function remoteDocument(base) {
    if (docs[base]) return docs[base];
    const httpUrl = base.startsWith('did:web:') ? didWebToUrl(base) : base;
    if (docs[httpUrl]) return docs[httpUrl];
    if (!/^https?:/.test(httpUrl)) throw new Error(`cannot resolve ${base}`);
    if (!fetched.has(httpUrl)) fetched.set(httpUrl, httpGetJson(httpUrl, hostMap));
    const doc = await fetched.get(httpUrl);
    if (base.startsWith('did:web:') && doc.id !== base) {
      throw new Error(`DID document id ${doc.id} does not equal ${base}`);
    }
    return doc;
  }

  return async function documentLoader(url) {
    let document;
    if (contexts.has(url)) {
      document = contexts.get(url);
    } else if (url.startsWith('did:key:')) {
      document = await didKeyDriver.get({url});
    } else if (url.startsWith('did:web:') || /^https?:\/\//.test(url)) {
      const [base, fragment] = url.split('#');
      const doc = await remoteDocument(base);
      document = fragment === undefined ? doc : selectVerificationMethod(doc, url, base);
    } else {
      throw new Error(`document loader: ${url} is not a bundled context or a resolvable key`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
  };
}

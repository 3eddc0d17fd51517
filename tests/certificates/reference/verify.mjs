// Verify a credential with Digital Bazaar's reference stack, offline.
// stdin: {"credential": {...}, "didDocument": {...}, "contexts": {"<url>": {...}}}
// stdout: {"verified": true|false, "errors": ["..."]}; exit 0 either way, 2 on bad input.
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';

const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const DID_V1 = 'https://www.w3.org/ns/did/v1';

function didKeyDocument(url) {
  // did:key is self-describing, so a wallet resolves it without asking anyone.
  const [did, fragment] = url.split('#');
  const multibase = did.slice('did:key:'.length);
  const method = {
    id: `${did}#${multibase}`, type: 'Multikey', controller: did,
    publicKeyMultibase: multibase
  };
  if(fragment) {
    return {'@context': MULTIKEY_V1, ...method};
  }
  return {
    '@context': [DID_V1, MULTIKEY_V1], id: did,
    verificationMethod: [method], assertionMethod: [method.id]
  };
}

function offlineLoader({didDocument, contexts}) {
  // Answers from what it was given and nothing else: no network, like the site's own check.
  const methods = new Map(
    (didDocument.verificationMethod || []).map(method => [method.id, method]));
  return async url => {
    let document;
    if(Object.hasOwn(contexts, url)) {
      document = contexts[url];
    } else if(url === didDocument.id) {
      document = didDocument;
    } else if(methods.has(url)) {
      document = {'@context': MULTIKEY_V1, ...methods.get(url)};
    } else if(url.startsWith('did:key:z')) {
      document = didKeyDocument(url);
    } else if(url.startsWith(`${didDocument.id}#`)) {
      throw new Error(`${url} is not listed in the issuer's DID document`);
    } else {
      throw new Error(`offline document loader: nothing for ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

function messages(error) {
  if(!error) {
    return [];
  }
  const list = Array.isArray(error) ? error : [error];
  return list.flatMap(e => [e.message || String(e), ...messages(e.errors)]);
}

let input = '';
for await (const chunk of process.stdin) {
  input += chunk;
}
let parsed;
try {
  parsed = JSON.parse(input);
} catch(error) {
  process.stderr.write(`not JSON: ${error.message}\n`);
  process.exit(2);
}
const {credential, didDocument, contexts} = parsed;
const result = await vc.verifyCredential({
  credential,
  suite: new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  documentLoader: offlineLoader({didDocument, contexts}),
});
const errors = [
  ...messages(result.error),
  ...(result.results || []).flatMap(r => messages(r.error)),
];
process.stdout.write(JSON.stringify({verified: result.verified === true, errors}) + '\n');

// Validates the responses that SamlAcsBenchmarks wrote (SAML_BENCH_DIR) with @node-saml/node-saml, the same
// checks switched on where node-saml has them, and prints {"plain": <per s>, "encrypted": <per s>} as JSON.
// usage: node validate.js <folder> [seconds per case]
'use strict';
const fs = require('fs');
const path = require('path');
const { SAML, ValidateInResponseTo } = require('@node-saml/node-saml');

const dir = process.argv[2];
const seconds = Number(process.argv[3] || 5);
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const settings = JSON.parse(read('settings.json'));

const saml = new SAML({
  callbackUrl: settings.acsUrl,
  issuer: settings.spEntityId,
  audience: settings.spEntityId,
  idpIssuer: settings.idpEntityId,
  idpCert: read('idp-cert.pem'),
  decryptionPvk: read('sp-key.pem'),
  wantAssertionsSigned: true,
  wantAuthnResponseSigned: false,
  // node-saml's InResponseTo check needs its own request cache; the C# side checks it against the pending request.
  validateInResponseTo: ValidateInResponseTo.never,
  acceptedClockSkewMs: 120000,
  signatureAlgorithm: 'sha256',
  digestAlgorithm: 'sha256',
});

async function rate(name, response) {
  const result = await saml.validatePostResponseAsync({ SAMLResponse: response });
  if (!result.profile || !result.profile.nameID) throw new Error(`${name}: node-saml did not accept the response`);
  const warmupEnd = Date.now() + 1000;
  while (Date.now() < warmupEnd) await saml.validatePostResponseAsync({ SAMLResponse: response });
  let count = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    await saml.validatePostResponseAsync({ SAMLResponse: response });
    count++;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

(async () => {
  const plain = await rate('plain', read('plain.b64').trim());
  const encrypted = await rate('encrypted', read('encrypted.b64').trim());
  console.log(JSON.stringify({ plain, encrypted }));
})().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});

// Demo OpenID Connect provider for the portal (oidc-provider): one confidential client (code flow, PKCE required),
// two demo accounts with a password form, RP-initiated logout. For the local demo and the tests only: keys and
// sessions live in memory and end with the process.
//   OIDC_PORT=8082 PORTAL_BASE_URL=http://localhost:5000 node server.js
// Environment:
//   OIDC_PORT            port to listen on (required; any free port)
//   OIDC_LISTEN          address to bind (default 127.0.0.1)
//   OIDC_ISSUER          issuer URL (default http://localhost:$OIDC_PORT)
//   PORTAL_BASE_URL      the portal's base URL (default http://localhost:5000)
//   OIDC_PROVIDER_NAME   the portal's name for this provider, which names its callback paths (default "demo")
//   OIDC_CLIENT_ID / OIDC_CLIENT_SECRET   the portal's client (demo values by default; never used in production)
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number.parseInt(process.env.OIDC_PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('oidc: set OIDC_PORT to the port to listen on');
  process.exit(2);
}
const issuer = (process.env.OIDC_ISSUER ?? `http://localhost:${port}`).replace(/\/$/, '');
const portal = (process.env.PORTAL_BASE_URL ?? 'http://localhost:5000').replace(/\/$/, '');
const providerName = process.env.OIDC_PROVIDER_NAME ?? 'demo';
const clientId = process.env.OIDC_CLIENT_ID ?? 'vo-portal-demo';
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? 'vo-portal-demo-secret-not-for-production';

// Demo people, distinct from the SAML demo IdPs' people: an independent lab that signs in with OIDC.
const accounts = {
  erin: { password: 'erin-demo', claims: { name: 'Erin Analyst', email: 'erin@lab.example.net', email_verified: true } },
  frank: { password: 'frank-demo', claims: { name: 'Frank Curator', email: 'frank@lab.example.net', email_verified: true } },
};

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [`${portal}/signin-oidc-${providerName}`],
    post_logout_redirect_uris: [`${portal}/signout-callback-oidc-${providerName}`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    // ASP.NET Core's OpenIdConnect handler sends the secret in the form body.
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
  // Claims in the ID token itself, so the portal needs no userinfo round trip.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // The portal already asked the person; confirm at once rather than show a second question.
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html><head><title>Signing out</title></head><body>${form}
<p>Signing you out of the demo provider…</p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<script>const f = document.getElementById('op.logoutForm'); const i = document.createElement('input');
i.type = 'hidden'; i.name = 'logout'; i.value = 'yes'; f.appendChild(i); f.submit();</script></body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The portal is this provider's own first-party client: no consent screen.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, id) => {
    const account = accounts[id];
    return account && { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
});

function loginPage(uid, message) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Demo lab sign-in</title></head><body>
<h1>Demo lab (OpenID Connect)</h1>
${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, isPost) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400).end('interaction mismatch');
    return;
  }
  if (!isPost) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(uid));
    return;
  }
  const form = await readForm(req);
  const login = form.get('username') ?? '';
  const account = Object.hasOwn(accounts, login) ? accounts[login] : undefined;
  if (!account || !crypto.timingSafeEqual(
    crypto.createHash('sha256').update(account.password).digest(),
    crypto.createHash('sha256').update(form.get('password') ?? '').digest())) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(loginPage(uid, 'Wrong username or password.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
}

const handler = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) {
    handler(req, res);
    return;
  }
  interaction(req, res, match[1], req.method === 'POST' && match[2] === '/login').catch((err) => {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`sign-in failed: ${err.message}`);
  });
});
server.listen(port, process.env.OIDC_LISTEN ?? '127.0.0.1', () => {
  console.log(`oidc: demo provider ${issuer} for ${portal} (client ${clientId}); accounts erin/erin-demo, frank/frank-demo`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));

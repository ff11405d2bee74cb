// A Pro Santé Connect look-alike for the Segur.Psc integration tests, built on panva's certified
// oidc-provider (https://github.com/panva/node-oidc-provider). Test use only: plain http on 127.0.0.1.
//
// Like PSC (see ../../../../shared/domain/psc.md):
//   issuer   http://127.0.0.1:{port}/auth/realms/esante-wallet
//   discovery {issuer}/.well-known/wallet-openid-configuration (non-standard path)
//   Keycloak endpoint paths under {issuer}/protocol/openid-connect/ (auth, token, userinfo, certs, logout,
//   token/introspect, ext/ciba/auth); PKCE required; acr eidas1 < eidas2 < eidas3; CIBA poll mode with PSC's
//   `channel` (CARD|MOBILE) and a two-digit binding_message; UserInfo with SubjectNameID, SubjectRefPro, ...;
//   refresh tokens without offline_access; AT 120 s, RT 1800 s.
//
// Automatic interactions (no browser, no form): GET {issuer}/interaction/{uid} completes the step at once.
//   login   -> the account named by login_hint (default 899700218896), acr eidas1;
//              login_hint 899700000002 refuses (access_denied).
//   consent -> grants the requested scopes.
// CIBA device simulation (triggerAuthenticationDevice), chosen by login_hint:
//   899700218896 / 899700366240 approve after ~1 s; 899700000002 refuses; 899700000003 never answers and its
//   request expires after 4 s (expired_token).
//
// Usage: PSC_OP_PORT=0 PSC_OP_PORT_FILE=/path/port node psc-provider.mjs
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import Provider, { errors } from 'oidc-provider';

const PREFIX = '/auth/realms/esante-wallet';
const SECRET = 'segur-integration-secret-0123456789abcdef';
export const ACCOUNTS = {
  '899700218896': { given_name: 'Paul', family_name: 'Docteur-Test', profession: '10' },
  '899700366240': { given_name: 'Pauline', family_name: 'Pharmacienne-Test', profession: '21' },
  '899700000002': { given_name: 'Refus', family_name: 'Test', profession: '10' },
  '899700000003': { given_name: 'Absent', family_name: 'Test', profession: '10' },
};

function claimsOf(id) {
  const a = ACCOUNTS[id];
  return {
    sub: id,
    SubjectNameID: id,
    preferred_username: id,
    given_name: a.given_name,
    family_name: a.family_name,
    email_verified: false,
    SubjectOrganization: 'Cabinet de test',
    SubjectOrganizationID: '0012345678',
    SubjectRole: [`${a.profession}^1.2.250.1.213.1.1.5.5`],
    SubjectRefPro: {
      codeCivilite: 'M',
      exercices: [{
        codeProfession: a.profession,
        codeCategorieProfessionnelle: 'C',
        codeCiviliteDexercice: a.profession === '10' ? 'DR' : '',
        nomDexercice: a.family_name.toUpperCase(),
        prenomDexercice: a.given_name,
        codeTypeSavoirFaire: '',
        codeSavoirFaire: '',
        activities: [{
          codeModeExercice: 'L',
          codeSecteurDactivite: 'SA07',
          raisonSocialeSite: 'CABINET DE TEST',
          numeroSiretSite: '12345678900011',
          identifiantTechniqueDeLaStructure: 'R10100000123456',
        }],
      }],
    },
  };
}

function accountFromHint(hint) {
  if (typeof hint !== 'string' || hint.length === 0) return undefined;
  const id = hint.split('/')[0];
  return ACCOUNTS[id] ? id : undefined;
}

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'psc-it-' + crypto.randomBytes(4).toString('hex'), use: 'sig', alg: 'RS256' };

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PSC_OP_PORT ?? 0), '127.0.0.1', resolve));
const port = server.address().port;
const issuer = `http://127.0.0.1:${port}${PREFIX}`;

const client = (id, extra = {}) => ({
  client_id: id,
  client_secret: SECRET,
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1/callback'],
  post_logout_redirect_uris: ['http://127.0.0.1/logout-done'],
  grant_types: ['authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba'],
  response_types: ['code'],
  backchannel_token_delivery_mode: 'poll',
  token_endpoint_auth_method: 'client_secret_basic',
  ...extra,
});

let provider;
provider = new Provider(issuer, {
  clients: [
    client('segur-it'),
    client('segur-it-post', { token_endpoint_auth_method: 'client_secret_post' }),
    client('segur-it-hs256', { id_token_signed_response_alg: 'HS256' }),
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['segur-it-cookie-key-not-a-secret'] },
  routes: {
    authorization: '/protocol/openid-connect/auth',
    token: '/protocol/openid-connect/token',
    userinfo: '/protocol/openid-connect/userinfo',
    jwks: '/protocol/openid-connect/certs',
    introspection: '/protocol/openid-connect/token/introspect',
    revocation: '/protocol/openid-connect/revoke',
    end_session: '/protocol/openid-connect/logout',
    backchannel_authentication: '/protocol/openid-connect/ext/ciba/auth',
  },
  scopes: ['openid', 'scope_all', 'offline_access'],
  claims: {
    acr: null,
    auth_time: null,
    scope_all: ['SubjectNameID', 'SubjectRefPro', 'SubjectRole', 'SubjectOrganization', 'SubjectOrganizationID',
      'preferred_username', 'given_name', 'family_name', 'email_verified'],
  },
  acrValues: ['eidas1', 'eidas2', 'eidas3'],
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
  pkce: { required: () => true },
  issueRefreshToken: async (ctx, c) => c.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 120,
    AuthorizationCode: 60,
    IdToken: 120,
    RefreshToken: 1800,
    Interaction: 600,
    Session: 4 * 3600,
    Grant: 4 * 3600,
    BackchannelAuthenticationRequest: (ctx) => (accountFromHint(ctx?.oidc?.params?.login_hint) === '899700000003' ? 4 : 120),
  },
  extraParams: {
    channel(ctx, value) {
      if (ctx.oidc.route === 'backchannel_authentication' && !['CARD', 'MOBILE'].includes(value)) {
        throw new errors.InvalidRequest('channel must be CARD or MOBILE');
      }
    },
  },
  findAccount: (ctx, id) => (ACCOUNTS[id] ? { accountId: id, claims: async () => claimsOf(id) } : undefined),
  interactions: { url: (ctx, interaction) => `${PREFIX}/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    ciba: {
      enabled: true,
      deliveryModes: ['poll'],
      processLoginHint: async (ctx, hint) => accountFromHint(hint),
      validateBindingMessage: async (ctx, message) => {
        if (!/^\d{2}$/.test(message ?? '')) {
          throw new errors.InvalidBindingMessage('binding_message must be two digits');
        }
      },
      validateRequestContext: async () => {},
      verifyUserCode: async () => {},
      triggerAuthenticationDevice: async (ctx, request, account, c) => {
        const id = account.accountId;
        if (id === '899700000003') return; // the professional never answers
        setTimeout(async () => {
          try {
            if (id === '899700000002') {
              await provider.backchannelResult(request, new errors.AccessDenied('refused on the e-CPS app'));
              return;
            }
            const grant = new provider.Grant({ accountId: id, clientId: c.clientId });
            grant.addOIDCScope(request.scope);
            await grant.save();
            await provider.backchannelResult(request, grant, { acr: 'eidas1', amr: ['mfa'], authTime: Math.floor(Date.now() / 1000) });
          } catch (e) {
            console.error('ciba device simulation failed', e);
          }
        }, 1000);
      },
    },
  },
});

async function interaction(req, res) {
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const hint = details.params.login_hint;
      const accountId = accountFromHint(hint) ?? '899700218896';
      if (accountId === '899700000002') {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The professional refused the login' }, { mergeWithLastSubmission: false });
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId, acr: 'eidas1', amr: ['mfa'] } }, { mergeWithLastSubmission: false });
      return;
    }
    // consent: grant what is missing (native clients always get a native_client_prompt consent)
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (e) {
    res.statusCode = 400;
    res.end(String(e));
  }
}

const callback = provider.callback();
server.on('request', (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === `${PREFIX}/.well-known/wallet-openid-configuration`) {
    req.url = `${PREFIX}/.well-known/openid-configuration${url.search}`;
  }
  if (url.pathname.startsWith(`${PREFIX}/interaction/`)) {
    interaction(req, res);
    return;
  }
  if (!req.url.startsWith(PREFIX)) {
    res.statusCode = 404;
    res.end();
    return;
  }
  req.originalUrl = req.url;
  req.url = req.url.slice(PREFIX.length) || '/';
  callback(req, res);
});

if (process.env.PSC_OP_PORT_FILE) fs.writeFileSync(process.env.PSC_OP_PORT_FILE, String(port));
console.log(`psc-provider listening: ${issuer}/.well-known/wallet-openid-configuration`);

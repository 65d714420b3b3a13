// Answers the C# benchmark's export questions with Cedar (cedar-wasm) on the same data, and checks that
// Cedar's permit/deny agrees with Portal.Policy's for every question.
// Usage: node bench.mjs <cedar-input.json> [seconds] [datasets]
// Modelling: one Cedar policy set per dataset (its grants as permits + the shared forbids), preparsed once;
// per request, only the two entities the policies read (the user with their memberships, the dataset) are
// passed, which is the entity slicing Cedar's documentation recommends instead of sending the whole store.
// Only the first [datasets] (default 100) policy sets are loaded, and only their questions asked: cedar-wasm
// 4.13's preparsed-set cache slows to about a second per insert beyond ~150 sets (measured), so all 1,000
// would take ~8 minutes to load. Each decision only ever reads its own dataset's set (~100 policies), so the
// per-decision cost is the same as with all sets loaded.
import { readFileSync } from 'node:fs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

const [inputPath, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 5);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const datasetLimit = Number(process.argv[4] ?? 100);
const loaded = new Set(input.datasets.slice(0, datasetLimit).map((d) => d.id));
const questions = input.questions.filter((q) => loaded.has(q.dataset));

const str = (s) => JSON.stringify(s);

// Forbids mirror docs/policy.md: suspension, withdrawal, token scope, purpose, and the DUO table.
const forbids = `
forbid(principal, action, resource) when { principal.suspended };
forbid(principal, action, resource) when { resource.withdrawn };
forbid(principal, action, resource) when { context.token && !context.scopes.contains("data:export") };
forbid(principal, action, resource) when { context.purpose == "" };
forbid(principal, action, resource) when { context.purpose == "DS" && context.disease == "" };
forbid(principal, action, resource) when { resource.primary == "HMB" && (context.purpose == "GRU" || context.purpose == "POA") };
forbid(principal, action, resource) when { resource.primary == "DS" && !(context.purpose == "DS" || context.purpose == "MDS") };
forbid(principal, action, resource) when { resource.primary == "DS" && !resource.diseases.containsAny(context.lineage) };
forbid(principal, action, resource) when { resource.primary == "POA" && !(context.purpose == "POA" || context.purpose == "MDS") };
forbid(principal, action, resource) when { context.commercial && (resource.ncu || resource.npu || resource.npuncu) };
forbid(principal, action, resource) when { context.purpose == "MDS" && resource.nmds && !(resource.primary == "DS" && resource.diseases.containsAny(context.lineage)) };
forbid(principal, action, resource) when { resource.irb && !context.ethics };
`;

const datasets = new Map(input.datasets.map((d) => [d.id, d]));

function grantPolicy(g) {
  const d = datasets.get(g.dataset);
  // Revoked grants never permit; a US dataset counts personal grants only: such grants simply have no policy.
  if (g.revoked || g.purposes.length === 0) return null;
  if (d && d.modifiers.includes('US') && g.kind !== 'Person') return null;
  const time = `context.now >= ${g.from} && context.now < ${g.until}`;
  const purposes = g.purposes
    .map((p) => (p.commercial ? `context.purposeKeys.contains(${str(p.key)})` : `(context.purposeKeys.contains(${str(p.key)}) && !context.commercial)`))
    .join(' || ');
  const scope = `action == Action::"export", resource == Dataset::${str(g.dataset)}`;
  if (g.kind === 'Person') {
    return `permit(principal == User::${str(g.user)}, ${scope}) when { ${time} && (${purposes}) };`;
  }
  const m = `principal.vos[${str(g.vo)}]`;
  let who = `principal.vos has ${str(g.vo)} && ${m}.expires > context.now`;
  if (g.kind === 'VoRole') who += ` && ${m}.role == ${str(g.role)}`;
  if (g.kind === 'VoInstitution') who += ` && principal.institution == ${str(g.institution)}`;
  return `permit(principal, ${scope}) when { ${who} && ${time} && (${purposes}) };`;
}

const started = process.hrtime.bigint();
const byDataset = new Map();
for (const g of input.grants) {
  const p = grantPolicy(g);
  if (p === null) continue;
  if (!byDataset.has(g.dataset)) byDataset.set(g.dataset, []);
  byDataset.get(g.dataset).push(p);
}
let policyCount = 0;
for (const d of input.datasets.filter((x) => loaded.has(x.id))) {
  const policies = byDataset.get(d.id) ?? [];
  policyCount += policies.length;
  const answer = cedar.preparsePolicySet(d.id, { staticPolicies: forbids + policies.join('\n') });
  if (answer.type !== 'success') throw new Error(`policy set ${d.id}: ${JSON.stringify(answer.errors)}`);
}

// Entity store kept in memory; each request gets a slice of it.
const users = new Map(input.users.map((u) => [u.id, { suspended: u.suspended, institution: u.institution, vos: {} }]));
for (const m of input.memberships) users.get(m.user).vos[m.vo] = { role: m.role, expires: m.expires };
const userEntities = new Map([...users].map(([id, attrs]) => [id, { uid: { type: 'User', id }, attrs, parents: [] }]));
const datasetEntities = new Map(input.datasets.map((d) => [d.id, {
  uid: { type: 'Dataset', id: d.id },
  attrs: {
    withdrawn: d.withdrawn,
    primary: d.primary,
    diseases: d.diseases.map((x) => x.toUpperCase()),
    ncu: d.modifiers.includes('NCU'),
    npu: d.modifiers.includes('NPU'),
    npuncu: d.modifiers.includes('NPUNCU'),
    nmds: d.modifiers.includes('NMDS'),
    irb: d.modifiers.includes('IRB'),
  },
  parents: [],
}]));
const setupMs = Number(process.hrtime.bigint() - started) / 1e6;

function decide(q) {
  const answer = cedar.statefulIsAuthorized({
    principal: { type: 'User', id: q.user },
    action: { type: 'Action', id: 'export' },
    resource: { type: 'Dataset', id: q.dataset },
    context: {
      now: q.now, purpose: q.purpose, disease: q.disease, lineage: q.lineage, purposeKeys: q.purposeKeys,
      commercial: q.commercial, ethics: q.ethics, token: q.token, scopes: q.scopes,
    },
    preparsedPolicySetId: q.dataset,
    entities: [userEntities.get(q.user), datasetEntities.get(q.dataset)],
  });
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  if (answer.response.diagnostics.errors.length > 0) throw new Error(JSON.stringify(answer.response.diagnostics.errors));
  return answer.response.decision;
}

let agree = 0;
let allows = 0;
const disagreements = [];
for (const q of questions) {
  const d = decide(q);
  if (d === q.expected) agree++;
  else if (disagreements.length < 5) disagreements.push({ q, cedar: d });
  if (d === 'allow') allows++;
}

const latencies = [];
let decisions = 0;
const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
const t0 = process.hrtime.bigint();
while (process.hrtime.bigint() < deadline) {
  for (const q of questions) {
    const s = process.hrtime.bigint();
    decide(q);
    latencies.push(Number(process.hrtime.bigint() - s));
  }
  decisions += questions.length;
}
const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
latencies.sort((a, b) => a - b);
const result = {
  cedarVersion: cedar.getCedarVersion(),
  policySets: loaded.size,
  policies: policyCount,
  setupMs: Math.round(setupMs),
  questions: questions.length,
  agree,
  allows,
  decisionsPerSecond: Math.round(decisions / elapsed),
  p50Ns: latencies[Math.floor(latencies.length * 0.5)],
  p99Ns: latencies[Math.floor(latencies.length * 0.99)],
  disagreements,
};
console.log(JSON.stringify(result));
if (agree !== questions.length) process.exitCode = 2;

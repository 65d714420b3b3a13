using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Tests.Reference;

/// <summary>
/// A deliberately slow and plain reading of docs/policy.md: lists, LINQ, strings, no indexes, nothing shared
/// with the engine but the public record types. The property test holds the engine to it.
/// </summary>
internal sealed class NaivePolicy(PolicyData data)
{
    private readonly List<(string Child, string Parent)> _edges = [.. (data.Diseases ?? DiseaseHierarchy.Default).Edges];

    public (Effect Effect, HashSet<string> Reasons, Guid? GrantId, DateTimeOffset? ExpiresAt) Decide(AccessQuestion r)
    {
        var reasons = new HashSet<string>();
        var subject = data.Subjects.LastOrDefault(s => s.Id == r.SubjectId);
        var memberships = data.Memberships.Where(m => m.UserId == r.SubjectId).ToList();
        bool Live(MembershipFact m) => m.ExpiresAt == null || r.Now < m.ExpiresAt.Value;

        if (r.Client.Kind == ClientKind.ApiToken && !r.Client.Scopes.HasFlag(ScopeFor(r.Action)))
        {
            reasons.Add("token.scope_missing");
        }
        if (subject == null)
        {
            reasons.Add("subject.unknown");
        }
        else if (subject.Suspended)
        {
            reasons.Add("subject.suspended");
        }

        if (r.Action == PolicyAction.ManageVoMembership)
        {
            var admin = memberships.FirstOrDefault(m => m.VoId == r.ResourceId && m.Role == MemberRole.Admin);
            if (admin == null)
            {
                reasons.Add("vo.not_admin");
            }
            else if (!Live(admin))
            {
                reasons.Add("membership.expired");
            }
            return Result(reasons);
        }

        var dataset = data.Datasets.LastOrDefault(d => d.Id == r.ResourceId);
        if (dataset == null)
        {
            reasons.Add("dataset.unknown");
            return Result(reasons);
        }
        var withdrawn = dataset.Status == DatasetAvailability.Withdrawn;
        var isSteward = dataset.Owners.Contains(r.SubjectId) || dataset.Stewards.Contains(r.SubjectId);
        var inSharedVos = memberships.Where(m => dataset.SharedIntoVos.Contains(m.VoId)).ToList();

        void NeedVisible()
        {
            if (!isSteward && !inSharedVos.Any(Live))
            {
                reasons.Add("dataset.not_visible");
                if (inSharedVos.Count > 0)
                {
                    reasons.Add("membership.expired");
                }
            }
        }

        switch (r.Action)
        {
            case PolicyAction.ViewMetadata:
                if (withdrawn && !isSteward)
                {
                    reasons.Add("dataset.withdrawn");
                }
                NeedVisible();
                return Result(reasons);
            case PolicyAction.RequestAccess:
                if (withdrawn)
                {
                    reasons.Add("dataset.withdrawn");
                }
                NeedVisible();
                reasons.UnionWith(PurposeReasons(dataset, r.Purpose));
                return Result(reasons);
            case PolicyAction.ManageDataset:
                if (!isSteward)
                {
                    reasons.Add("dataset.not_owner_or_steward");
                }
                return Result(reasons);
            case PolicyAction.DecideRequests:
                if (withdrawn)
                {
                    reasons.Add("dataset.withdrawn");
                }
                if (!isSteward)
                {
                    reasons.Add("dataset.not_owner_or_steward");
                }
                return Result(reasons);
            case PolicyAction.ViewAudit:
                var auditors = inSharedVos.Where(m => m.Role == MemberRole.Auditor).ToList();
                if (!isSteward && !auditors.Any(Live))
                {
                    reasons.Add("audit.out_of_scope");
                    if (auditors.Count > 0)
                    {
                        reasons.Add("membership.expired");
                    }
                }
                return Result(reasons);
            default:
                break;
        }

        // Export
        if (withdrawn)
        {
            reasons.Add("dataset.withdrawn");
        }
        reasons.UnionWith(PurposeReasons(dataset, r.Purpose));

        var onDataset = data.Grants.Where(g => g.DatasetId == dataset.Id).ToList();
        var personal = onDataset.Where(g => g.Target.Kind == GrantTargetKind.Person && g.Target.UserId == r.SubjectId)
            .Select(g => (Grant: g, Membership: (MembershipFact?)null));
        var viaVo = onDataset.Where(g => g.Target.Kind != GrantTargetKind.Person)
            .SelectMany(g => memberships.Where(m => m.VoId == g.Target.VoId).Select(m => (Grant: g, Membership: (MembershipFact?)m)));
        var candidates = personal.Concat(viaVo).ToList();

        var evaluated = candidates.Select(c => (c.Grant, Failures: GrantFailures(c.Grant, c.Membership, subject, dataset, r), Expiry: ExpiryOf(c.Grant, c.Membership))).ToList();
        var passing = evaluated.Where(e => e.Failures.Count == 0)
            .OrderByDescending(e => e.Expiry).ThenBy(e => e.Grant.Id).ToList();
        if (passing.Count == 0)
        {
            if (candidates.Count == 0)
            {
                reasons.Add("grant.none");
            }
            foreach (var e in evaluated)
            {
                reasons.UnionWith(e.Failures);
            }
        }
        if (reasons.Count > 0 || passing.Count == 0)
        {
            return Result(reasons);
        }
        return (Effect.Permit, reasons, passing[0].Grant.Id, passing[0].Expiry);
    }

    private static (Effect, HashSet<string>, Guid?, DateTimeOffset?) Result(HashSet<string> reasons) =>
        (reasons.Count == 0 ? Effect.Permit : Effect.Deny, reasons, null, null);

    private static DateTimeOffset ExpiryOf(GrantFact g, MembershipFact? m) =>
        m?.ExpiresAt is { } end && end < g.ValidUntil ? end : g.ValidUntil;

    private List<string> GrantFailures(GrantFact g, MembershipFact? m, Subject? subject, DatasetFact dataset, AccessQuestion r)
    {
        var failures = new List<string>();
        if (m != null)
        {
            if (m.ExpiresAt != null && r.Now >= m.ExpiresAt.Value)
            {
                failures.Add("membership.expired");
            }
            if (g.Target.Kind == GrantTargetKind.VoRole && g.Target.Role != m.Role)
            {
                failures.Add("grant.role_mismatch");
            }
            if (g.Target.Kind == GrantTargetKind.VoInstitution && g.Target.InstitutionId != (subject?.HomeInstitutionId ?? Guid.Empty))
            {
                failures.Add("grant.institution_mismatch");
            }
            if (dataset.DataUse.Has(DuoModifiers.US))
            {
                failures.Add("duo.us_requires_personal_grant");
            }
        }
        if (g.RevokedAt != null)
        {
            failures.Add("grant.revoked");
        }
        if (r.Now < g.ValidFrom)
        {
            failures.Add("grant.not_yet_valid");
        }
        if (r.Now >= g.ValidUntil)
        {
            failures.Add("grant.expired");
        }
        var covered = g.Purposes.Any(p =>
            p.Code == r.Purpose.Code
            && (p.Disease == null || (r.Purpose.Disease != null && IsA(r.Purpose.Disease, p.Disease)))
            && (!r.Purpose.Commercial || p.CommercialAllowed));
        if (!covered)
        {
            failures.Add("purpose.not_covered");
        }
        return failures;
    }

    // The DUO table of docs/policy.md as data: which purposes each primary term admits.
    private static readonly Dictionary<DuoPrimary, (PurposeCode[] Admitted, string Otherwise)> Primary = new()
    {
        [DuoPrimary.NRES] = ([PurposeCode.GRU, PurposeCode.HMB, PurposeCode.DS, PurposeCode.POA, PurposeCode.MDS], ""),
        [DuoPrimary.GRU] = ([PurposeCode.GRU, PurposeCode.HMB, PurposeCode.DS, PurposeCode.POA, PurposeCode.MDS], ""),
        [DuoPrimary.HMB] = ([PurposeCode.HMB, PurposeCode.DS, PurposeCode.MDS], "duo.hmb_requires_health_research"),
        [DuoPrimary.DS] = ([PurposeCode.DS, PurposeCode.MDS], "duo.ds_requires_disease_research"),
        [DuoPrimary.POA] = ([PurposeCode.POA, PurposeCode.MDS], "duo.poa_requires_ancestry_research"),
    };

    private List<string> PurposeReasons(DatasetFact dataset, DeclaredPurpose p)
    {
        if (p.Code == PurposeCode.None)
        {
            return ["purpose.missing"];
        }
        var reasons = new List<string>();
        if (p.Code == PurposeCode.DS && p.Disease == null)
        {
            reasons.Add("purpose.disease_missing");
        }
        var duo = dataset.DataUse;
        var diseaseOk = duo.Primary == DuoPrimary.DS && p.Disease != null && duo.Diseases.Any(d => IsA(p.Disease, d));
        var (admitted, otherwise) = Primary[duo.Primary];
        if (!admitted.Contains(p.Code))
        {
            reasons.Add(otherwise);
        }
        else if (duo.Primary == DuoPrimary.DS && !diseaseOk)
        {
            reasons.Add("duo.ds_disease_mismatch");
        }
        if (p.Commercial && duo.Has(DuoModifiers.NCU))
        {
            reasons.Add("duo.ncu_forbids_commercial");
        }
        if (p.Commercial && duo.Has(DuoModifiers.NPU))
        {
            reasons.Add("duo.npu_forbids_for_profit");
        }
        if (p.Commercial && duo.Has(DuoModifiers.NPUNCU))
        {
            reasons.Add("duo.npuncu_forbids_commercial");
        }
        if (p.Code == PurposeCode.MDS && duo.Has(DuoModifiers.NMDS) && !diseaseOk)
        {
            reasons.Add("duo.nmds_forbids_methods");
        }
        if (duo.Has(DuoModifiers.IRB) && string.IsNullOrWhiteSpace(p.EthicsApprovalReference))
        {
            reasons.Add("duo.irb_requires_ethics_approval");
        }
        return reasons;
    }

    // Walks the parent edges recursively, every time: slow on purpose, and independent of the engine's closure.
    private bool IsA(string code, string ancestor, int depth = 0) =>
        string.Equals(code, ancestor, StringComparison.OrdinalIgnoreCase)
        || (depth < 50 && _edges.Where(e => string.Equals(e.Child, code, StringComparison.OrdinalIgnoreCase))
            .Any(e => IsA(e.Parent, ancestor, depth + 1)));

    private static TokenScopes ScopeFor(PolicyAction action) => action switch
    {
        PolicyAction.ViewMetadata => TokenScopes.CatalogueRead,
        PolicyAction.RequestAccess => TokenScopes.RequestsWrite,
        PolicyAction.ExportData => TokenScopes.DataExport,
        PolicyAction.ManageDataset => TokenScopes.DatasetsManage,
        PolicyAction.DecideRequests => TokenScopes.RequestsDecide,
        PolicyAction.ViewAudit => TokenScopes.AuditRead,
        _ => TokenScopes.VoManage,
    };
}

using Portal.Policy.Duo;
using Portal.Policy.Indexing;
using Portal.Policy.Model;

namespace Portal.Policy;

// The decision path. It must not allocate: no LINQ, no foreach over interfaces, no closures, no boxing.
// Every check runs (no early return once the subject and resource are known) so that a deny lists all reasons.
// Ids are interned once at the top; everything below compares ints and UTC ticks. Single reasons are written
// Empty.With(code): ReasonSet.Of takes a span and is not inlined.
public sealed partial class PolicySnapshot
{
    public Decision Decide(in AccessQuestion request)
    {
        var reasons = ReasonSet.Empty;
        if (!request.Client.Allows(TokenScopeNames.RequiredFor(request.Action)))
        {
            reasons = reasons.With(ReasonCode.TokenScopeMissing);
        }
        // Both ids, then both rows, before any branch on them: the cache misses overlap (see GuidInterner.Find).
        _ids.Find(request.SubjectId, request.ResourceId, out var userId, out var resourceId);
        var user = UserAt(userId);
        ref readonly var node = ref _datasets.RefAt(resourceId);
        if (user.Subject is null)
        {
            reasons = reasons.With(ReasonCode.SubjectUnknown);
        }
        else if (user.Suspended)
        {
            reasons = reasons.With(ReasonCode.SubjectSuspended);
        }

        var now = request.Now.UtcTicks;
        if (request.Action == PolicyAction.ManageVoMembership)
        {
            return Conclude(reasons.Union(CheckVoAdmin(user, resourceId, now)));
        }
        if (request.Action > PolicyAction.ManageVoMembership)
        {
            return Decision.Deny(reasons.With(ReasonCode.ActionUnsupported));
        }
        ref readonly var dataset = ref node.Row;
        if (dataset.Dataset is null)
        {
            return Decision.Deny(reasons.With(ReasonCode.DatasetUnknown));
        }

        if (request.Action == PolicyAction.ExportData)
        {
            return DecideExport(request, userId, user, node, reasons);
        }

        // Exports (above, the hot path) never ask who runs the dataset; every other action does.
        var withdrawn = dataset.Withdrawn;
        var stewards = dataset.IsOwnerOrSteward(userId);
        switch (request.Action)
        {
            case PolicyAction.ViewMetadata:
                if (withdrawn && !stewards)
                {
                    reasons = reasons.With(ReasonCode.DatasetWithdrawn);
                }
                return Conclude(stewards ? reasons : reasons.Union(CheckVisible(user, dataset, now)));

            case PolicyAction.RequestAccess:
                if (withdrawn)
                {
                    reasons = reasons.With(ReasonCode.DatasetWithdrawn);
                }
                if (!stewards)
                {
                    reasons = reasons.Union(CheckVisible(user, dataset, now));
                }
                var probe = new PurposeProbe(request.Purpose);
                return Conclude(reasons.Union(CheckPurpose(dataset, request.Purpose, ref probe)));

            case PolicyAction.ManageDataset:
                return Conclude(stewards ? reasons : reasons.With(ReasonCode.NotOwnerOrSteward));

            case PolicyAction.DecideRequests:
                if (withdrawn)
                {
                    reasons = reasons.With(ReasonCode.DatasetWithdrawn);
                }
                return Conclude(stewards ? reasons : reasons.With(ReasonCode.NotOwnerOrSteward));

            default:
                return Conclude(stewards ? reasons : reasons.Union(CheckAuditor(user, dataset, now)));
        }
    }

    private ReasonSet CheckPurpose(in DatasetRow dataset, in DeclaredPurpose purpose, ref PurposeProbe probe)
    {
        if (!purpose.IsDeclared)
        {
            return ReasonSet.Empty.With(ReasonCode.PurposeMissing);
        }
        var diseaseMatches = dataset.Primary == DuoPrimary.DS && MatchesDisease(dataset, ref probe);
        var reasons = DuoMatcher.Match(dataset.Primary, dataset.Modifiers, diseaseMatches, purpose);
        return purpose.Code == PurposeCode.DS && purpose.Disease is null ? reasons.With(ReasonCode.PurposeDiseaseMissing) : reasons;
    }

    private bool MatchesDisease(in DatasetRow dataset, ref PurposeProbe probe)
    {
        foreach (ref readonly var allowed in dataset.Diseases.AsSpan())
        {
            if (probe.IsSameOrDescendantOf(allowed, _diseases))
            {
                return true;
            }
        }
        return false;
    }

    private static ReasonSet CheckVisible(in UserRow user, in DatasetRow dataset, long now)
    {
        var expired = false;
        foreach (ref readonly var m in user.Memberships)
        {
            if (dataset.IsSharedInto(m.Vo))
            {
                if (m.IsLiveAt(now))
                {
                    return ReasonSet.Empty;
                }
                expired = true;
            }
        }
        var reasons = ReasonSet.Empty.With(ReasonCode.DatasetNotVisible);
        return expired ? reasons.With(ReasonCode.MembershipExpired) : reasons;
    }

    private static ReasonSet CheckAuditor(in UserRow user, in DatasetRow dataset, long now)
    {
        var expired = false;
        foreach (ref readonly var m in user.Memberships)
        {
            if (m.Role == MemberRole.Auditor && dataset.IsSharedInto(m.Vo))
            {
                if (m.IsLiveAt(now))
                {
                    return ReasonSet.Empty;
                }
                expired = true;
            }
        }
        var reasons = ReasonSet.Empty.With(ReasonCode.AuditOutOfScope);
        return expired ? reasons.With(ReasonCode.MembershipExpired) : reasons;
    }

    private static ReasonSet CheckVoAdmin(in UserRow user, int vo, long now)
    {
        // An unknown VO id (NotFound) matches no membership.
        var index = user.IndexOfVo(vo);
        if (index < 0 || user.Memberships[index].Role != MemberRole.Admin)
        {
            return ReasonSet.Empty.With(ReasonCode.NotVoAdmin);
        }
        return user.Memberships[index].IsLiveAt(now) ? ReasonSet.Empty : ReasonSet.Empty.With(ReasonCode.MembershipExpired);
    }

    private static Decision Conclude(ReasonSet reasons) => reasons.IsEmpty ? Decision.Permit() : Decision.Deny(reasons);
}

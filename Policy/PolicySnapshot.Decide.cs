using Portal.Policy.Duo;
using Portal.Policy.Indexing;
using Portal.Policy.Model;

namespace Portal.Policy;

// The decision path. It must not allocate: no LINQ, no foreach over interfaces, no closures, no boxing.
// Every check runs (no early return once the subject and resource are known) so that a deny lists all reasons.
public sealed partial class PolicySnapshot
{
    public Decision Decide(in AccessRequest request)
    {
        var reasons = ReasonSet.Empty;
        if (!request.Client.Allows(TokenScopeNames.RequiredFor(request.Action)))
        {
            reasons = reasons.With(ReasonCode.TokenScopeMissing);
        }
        if (!_users.TryGetValue(request.SubjectId, out var user))
        {
            user = UserEntry.None;
        }
        if (user.Subject is null)
        {
            reasons = reasons.With(ReasonCode.SubjectUnknown);
        }
        else if (user.Subject.Suspended)
        {
            reasons = reasons.With(ReasonCode.SubjectSuspended);
        }

        if (request.Action == PolicyAction.ManageVoMembership)
        {
            return Conclude(reasons.Union(CheckVoAdmin(user, request.ResourceId, request.Now)));
        }
        if (request.Action > PolicyAction.ManageVoMembership)
        {
            return Decision.Deny(reasons.With(ReasonCode.ActionUnsupported));
        }
        if (!_datasets.TryGetValue(request.ResourceId, out var dataset))
        {
            return Decision.Deny(reasons.With(ReasonCode.DatasetUnknown));
        }

        var withdrawn = dataset.Dataset.Status == DatasetStatus.Withdrawn;
        var stewards = dataset.IsOwnerOrSteward(request.SubjectId);
        switch (request.Action)
        {
            case PolicyAction.ViewMetadata:
                if (withdrawn && !stewards)
                {
                    reasons = reasons.With(ReasonCode.DatasetWithdrawn);
                }
                return Conclude(stewards ? reasons : reasons.Union(CheckVisible(user, dataset, request.Now)));

            case PolicyAction.RequestAccess:
                if (withdrawn)
                {
                    reasons = reasons.With(ReasonCode.DatasetWithdrawn);
                }
                if (!stewards)
                {
                    reasons = reasons.Union(CheckVisible(user, dataset, request.Now));
                }
                return Conclude(reasons.Union(CheckPurpose(dataset, request.Purpose)));

            case PolicyAction.ManageDataset:
                return Conclude(stewards ? reasons : reasons.With(ReasonCode.NotOwnerOrSteward));

            case PolicyAction.DecideRequests:
                if (withdrawn)
                {
                    reasons = reasons.With(ReasonCode.DatasetWithdrawn);
                }
                return Conclude(stewards ? reasons : reasons.With(ReasonCode.NotOwnerOrSteward));

            case PolicyAction.ViewAudit:
                return Conclude(stewards ? reasons : reasons.Union(CheckAuditor(user, dataset, request.Now)));

            default:
                return DecideExport(request, user, dataset, reasons);
        }
    }

    private Decision DecideExport(in AccessRequest request, UserEntry user, DatasetEntry dataset, ReasonSet reasons)
    {
        if (dataset.Dataset.Status == DatasetStatus.Withdrawn)
        {
            reasons = reasons.With(ReasonCode.DatasetWithdrawn);
        }
        reasons = reasons.Union(CheckPurpose(dataset, request.Purpose));

        var selection = new GrantSelection(request.Now);
        if (_grantsByTarget.TryGetValue(new GrantKey(dataset.Dataset.Id, request.SubjectId), out var personal))
        {
            foreach (var grant in personal)
            {
                if (grant.Grant.Target.Kind == GrantTargetKind.Person)
                {
                    Consider(ref selection, grant, user, null, dataset, request.Purpose);
                }
            }
        }
        foreach (var membership in user.Memberships)
        {
            if (_grantsByTarget.TryGetValue(new GrantKey(dataset.Dataset.Id, membership.VoId), out var viaVo))
            {
                foreach (var grant in viaVo)
                {
                    if (grant.Grant.Target.Kind != GrantTargetKind.Person)
                    {
                        Consider(ref selection, grant, user, membership, dataset, request.Purpose);
                    }
                }
            }
        }

        if (selection.Best is null)
        {
            reasons = reasons.Union(selection.Candidates == 0 ? ReasonSet.Of(ReasonCode.GrantNone) : selection.Failures);
        }
        if (!reasons.IsEmpty || selection.Best is null)
        {
            return Decision.Deny(reasons);
        }
        return Decision.Permit(new Obligations(selection.Best.Grant, selection.BestExpiry, request.Purpose, dataset.Dataset.DataUse.Modifiers));
    }

    /// <summary>
    /// One grant against the request. Among the grants that pass, the one whose permission lasts longest wins
    /// (ties: the smallest grant id), so the choice does not depend on storage order; see docs/policy.md.
    /// </summary>
    private void Consider(ref GrantSelection selection, IndexedGrant indexed, UserEntry user, Membership? membership, DatasetEntry dataset, in DeclaredPurpose purpose)
    {
        selection.Candidates++;
        var grant = indexed.Grant;
        var now = selection.Now;
        var failures = ReasonSet.Empty;
        var expiry = grant.ValidUntil;
        if (membership is not null)
        {
            if (!membership.IsLiveAt(now))
            {
                failures = failures.With(ReasonCode.MembershipExpired);
            }
            if (grant.Target.Kind == GrantTargetKind.VoRole && membership.Role != grant.Target.Role)
            {
                failures = failures.With(ReasonCode.GrantRoleMismatch);
            }
            if (grant.Target.Kind == GrantTargetKind.VoInstitution && user.InstitutionId != grant.Target.InstitutionId)
            {
                failures = failures.With(ReasonCode.GrantInstitutionMismatch);
            }
            if ((dataset.Dataset.DataUse.Modifiers & DuoModifiers.US) != 0)
            {
                failures = failures.With(ReasonCode.DuoUsRequiresPersonalGrant);
            }
            if (membership.ExpiresAt is { } membershipEnd && membershipEnd < expiry)
            {
                expiry = membershipEnd;
            }
        }
        if (grant.RevokedAt is not null)
        {
            failures = failures.With(ReasonCode.GrantRevoked);
        }
        if (now < grant.ValidFrom)
        {
            failures = failures.With(ReasonCode.GrantNotYetValid);
        }
        if (now >= grant.ValidUntil)
        {
            failures = failures.With(ReasonCode.GrantExpired);
        }
        if (!Covers(indexed.Purposes, purpose))
        {
            failures = failures.With(ReasonCode.PurposeNotCovered);
        }

        if (!failures.IsEmpty)
        {
            selection.Failures = selection.Failures.Union(failures);
            return;
        }
        if (selection.Best is null
            || expiry > selection.BestExpiry
            || (expiry == selection.BestExpiry && grant.Id.CompareTo(selection.Best.Grant.Id) < 0))
        {
            selection.Best = indexed;
            selection.BestExpiry = expiry;
        }
    }

    private bool Covers(GrantPurpose[] approved, in DeclaredPurpose declared)
    {
        foreach (var p in approved)
        {
            if (p.Code == declared.Code
                && (p.Disease is null || (declared.Disease is not null && Diseases.IsSameOrDescendant(declared.Disease, p.Disease)))
                && (p.CommercialAllowed || !declared.Commercial))
            {
                return true;
            }
        }
        return false;
    }

    private ReasonSet CheckPurpose(DatasetEntry dataset, in DeclaredPurpose purpose)
    {
        if (!purpose.IsDeclared)
        {
            return ReasonSet.Of(ReasonCode.PurposeMissing);
        }
        var reasons = DuoMatcher.Match(dataset.Dataset.DataUse, purpose, Diseases);
        return purpose.Code == PurposeCode.DS && purpose.Disease is null ? reasons.With(ReasonCode.PurposeDiseaseMissing) : reasons;
    }

    private static ReasonSet CheckVisible(UserEntry user, DatasetEntry dataset, DateTimeOffset now)
    {
        var expired = false;
        foreach (var m in user.Memberships)
        {
            if (dataset.IsSharedInto(m.VoId))
            {
                if (m.IsLiveAt(now))
                {
                    return ReasonSet.Empty;
                }
                expired = true;
            }
        }
        var reasons = ReasonSet.Of(ReasonCode.DatasetNotVisible);
        return expired ? reasons.With(ReasonCode.MembershipExpired) : reasons;
    }

    private static ReasonSet CheckAuditor(UserEntry user, DatasetEntry dataset, DateTimeOffset now)
    {
        var expired = false;
        foreach (var m in user.Memberships)
        {
            if (m.Role == VoRole.Auditor && dataset.IsSharedInto(m.VoId))
            {
                if (m.IsLiveAt(now))
                {
                    return ReasonSet.Empty;
                }
                expired = true;
            }
        }
        var reasons = ReasonSet.Of(ReasonCode.AuditOutOfScope);
        return expired ? reasons.With(ReasonCode.MembershipExpired) : reasons;
    }

    private static ReasonSet CheckVoAdmin(UserEntry user, Guid voId, DateTimeOffset now)
    {
        var m = user.MembershipOf(voId);
        if (m is null || m.Role != VoRole.Admin)
        {
            return ReasonSet.Of(ReasonCode.NotVoAdmin);
        }
        return m.IsLiveAt(now) ? ReasonSet.Empty : ReasonSet.Of(ReasonCode.MembershipExpired);
    }

    private static Decision Conclude(ReasonSet reasons) => reasons.IsEmpty ? Decision.Permit() : Decision.Deny(reasons);

    private struct GrantSelection(DateTimeOffset now)
    {
        public readonly DateTimeOffset Now = now;
        public int Candidates;
        public ReasonSet Failures;
        public IndexedGrant? Best;
        public DateTimeOffset BestExpiry;
    }
}

using Portal.Policy.Duo;
using Portal.Policy.Indexing;
using Portal.Policy.Model;

namespace Portal.Policy;

// Export decisions: find the candidate grants (personal ones under the user's id, the others under each of the
// user's VOs, all in the dataset's own grant index), test each, and pick one. No allocation, see Decide.
public sealed partial class PolicySnapshot
{
    /// <summary>The route of a personal grant, in place of an index into the user's memberships.</summary>
    private const int NoMembership = -1;

    private Decision DecideExport(in AccessQuestion request, int userId, in UserRow user, in DatasetNode node, ReasonSet reasons)
    {
        ref readonly var dataset = ref node.Row;
        if (dataset.Withdrawn)
        {
            reasons = reasons.With(ReasonCode.DatasetWithdrawn);
        }
        // Start the grant lookups (cache misses) first; the purpose check below computes while they are in flight.
        var grants = node.Grants;
        var memberships = user.MembershipCount;
        grants.For(
            userId,
            memberships > 0 ? user.KeyAt(0).Vo : GuidInterner.NotFound,
            memberships > 1 ? user.KeyAt(1).Vo : GuidInterner.NotFound,
            out var personal,
            out var viaFirstVo,
            out var viaSecondVo);
        var probe = new PurposeProbe(request.Purpose);
        reasons = reasons.Union(CheckPurpose(dataset, request.Purpose, ref probe));

        var selection = new GrantSelection(request.Now.UtcTicks);
        foreach (ref readonly var grant in personal)
        {
            if (grant.Kind == GrantTargetKind.Person)
            {
                Consider(ref selection, grant, ReasonSet.Empty, grant.UntilTicks, NoMembership, ref probe);
            }
        }
        // US datasets accept personal grants only; every VO route fails on it.
        var usFailure = (dataset.Modifiers & DuoModifiers.US) != 0 ? ReasonSet.Empty.With(ReasonCode.DuoUsRequiresPersonalGrant) : ReasonSet.Empty;
        for (var i = 0; i < memberships; i++)
        {
            var membership = user.KeyAt(i);
            var viaVo = i switch
            {
                0 => viaFirstVo,
                1 => viaSecondVo,
                _ => grants.For(membership.Vo),
            };
            foreach (ref readonly var grant in viaVo)
            {
                if (grant.Kind != GrantTargetKind.Person)
                {
                    var failures = usFailure;
                    if (!membership.IsLiveAt(selection.Now))
                    {
                        failures = failures.With(ReasonCode.MembershipExpired);
                    }
                    if (grant.Kind == GrantTargetKind.VoRole && membership.Role != grant.Role)
                    {
                        failures = failures.With(ReasonCode.GrantRoleMismatch);
                    }
                    if (grant.Kind == GrantTargetKind.VoInstitution && user.Institution != grant.Institution)
                    {
                        failures = failures.With(ReasonCode.GrantInstitutionMismatch);
                    }
                    Consider(ref selection, grant, failures, Math.Min(grant.UntilTicks, membership.ExpiresTicks), i, ref probe);
                }
            }
        }

        if (selection.Best is not { } best)
        {
            reasons = reasons.Union(selection.Candidates == 0 ? ReasonSet.Empty.With(ReasonCode.GrantNone) : selection.Failures);
            return Decision.Deny(reasons);
        }
        if (!reasons.IsEmpty)
        {
            return Decision.Deny(reasons);
        }
        // The exact instant (with its offset) of whichever ends first, as the records state it; read from the rows,
        // not the records, which would be one or two more dependent cache misses on every permit.
        var membershipEnd = selection.BestMembership == NoMembership ? null : user.KeyAt(selection.BestMembership).ExpiresAt;
        var grantEnd = selection.BestValidUntil;
        var expiresAt = membershipEnd is { } end && end < grantEnd ? end : grantEnd;
        return Decision.Permit(new Obligations(best, expiresAt, request.Purpose, dataset.Modifiers));
    }

    /// <summary>
    /// One grant against the request (route failures already found by the caller). Among the grants that pass, the
    /// one whose permission lasts longest wins (ties: the smallest grant id), so the choice does not depend on
    /// storage order; see docs/policy.md.
    /// </summary>
    private void Consider(ref GrantSelection selection, in GrantRow grant, ReasonSet failures, long expiry, int membership, ref PurposeProbe purpose)
    {
        selection.Candidates++;
        var now = selection.Now;
        if (grant.Revoked)
        {
            failures = failures.With(ReasonCode.GrantRevoked);
        }
        if (now < grant.FromTicks)
        {
            failures = failures.With(ReasonCode.GrantNotYetValid);
        }
        if (now >= grant.UntilTicks)
        {
            failures = failures.With(ReasonCode.GrantExpired);
        }
        if (!grant.Covers(ref purpose, _diseases))
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
            || (expiry == selection.BestExpiry && grant.Grant.Id.CompareTo(selection.Best.Id) < 0))
        {
            selection.Best = grant.Grant;
            selection.BestValidUntil = grant.ValidUntil;
            selection.BestMembership = membership;
            selection.BestExpiry = expiry;
        }
    }

    private struct GrantSelection(long now)
    {
        public readonly long Now = now;
        public int Candidates;
        public ReasonSet Failures;
        public GrantFact? Best;
        public DateTimeOffset BestValidUntil;
        public int BestMembership;
        public long BestExpiry;
    }
}

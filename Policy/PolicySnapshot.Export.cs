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
        var personal = grants.For(userId);
        var viaFirstVo = grants.For(memberships > 0 ? user.KeyAt(0).Vo : GuidInterner.NotFound);
        var viaSecondVo = grants.For(memberships > 1 ? user.KeyAt(1).Vo : GuidInterner.NotFound);
        var probe = new PurposeProbe(request.Purpose);
        reasons = reasons.Union(CheckPurpose(dataset, request.Purpose, ref probe));

        var selection = new GrantSelection(request.Now.UtcTicks);
        while (personal.MoveNext())
        {
            ref readonly var grant = ref grants.RowAt(personal.Slot);
            if (grant.Kind == GrantTargetKind.Person)
            {
                Consider(ref selection, grants, personal.Slot, ReasonSet.Empty, long.MaxValue, NoMembership, ref probe);
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
            while (viaVo.MoveNext())
            {
                ref readonly var grant = ref grants.RowAt(viaVo.Slot);
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
                    if (grant.Kind == GrantTargetKind.VoInstitution && user.Institution != grants.SourceAt(viaVo.Slot).Institution)
                    {
                        failures = failures.With(ReasonCode.GrantInstitutionMismatch);
                    }
                    Consider(ref selection, grants, viaVo.Slot, failures, membership.ExpiresTicks, i, ref probe);
                }
            }
        }

        if (selection.BestSlot < 0)
        {
            reasons = reasons.Union(selection.Candidates == 0 ? ReasonSet.Empty.With(ReasonCode.GrantNone) : selection.Failures);
            return Decision.Deny(reasons);
        }
        if (!reasons.IsEmpty)
        {
            return Decision.Deny(reasons);
        }
        // The exact instant (with its offset) of whichever ends first, as the records state it; both offsets are kept
        // in the rows, so the permit loads neither record (each would be a cache miss of its own).
        ref readonly var best = ref grants.SourceAt(selection.BestSlot);
        var expiresAt = selection.BestMembership != NoMembership && user.KeyAt(selection.BestMembership) is { ExpiresTicks: var end } key && end < best.UntilTicks
            ? key.ExpiresAt!.Value
            : best.ValidUntil;
        return Decision.Permit(new Obligations(grants.SourceAt(selection.BestSlot).Fact, expiresAt, request.Purpose, dataset.Modifiers));
    }

    /// <summary>
    /// One grant against the request (route failures already found by the caller; <paramref name="membershipEnd"/> is
    /// the route's membership expiry, long.MaxValue for a personal grant). Among the grants that pass, the one whose
    /// permission lasts longest wins (ties: the smallest grant id), so the choice does not depend on storage order; see
    /// docs/policy.md. The hot row decides by minutes; the cold source is read only for a bound in the request's own
    /// minute, for disease purposes, and for a grant that passes.
    /// </summary>
    private void Consider(ref GrantSelection selection, in GrantIndex grants, int slot, ReasonSet failures, long membershipEnd, int membership, ref PurposeProbe purpose)
    {
        ref readonly var grant = ref grants.RowAt(slot);
        selection.Candidates++;
        var now = selection.Now;
        var minute = selection.NowMinute;
        if (grant.Revoked)
        {
            failures = failures.With(ReasonCode.GrantRevoked);
        }
        if (minute < grant.FromMinute || (minute == grant.FromMinute && now < grants.SourceAt(slot).FromTicks))
        {
            failures = failures.With(ReasonCode.GrantNotYetValid);
        }
        if (minute > grant.UntilMinute || (minute == grant.UntilMinute && now >= grants.SourceAt(slot).UntilTicks))
        {
            failures = failures.With(ReasonCode.GrantExpired);
        }
        if (!grant.Covers(ref purpose, grants.SourceAt(slot), _diseases))
        {
            failures = failures.With(ReasonCode.PurposeNotCovered);
        }

        if (!failures.IsEmpty)
        {
            selection.Failures = selection.Failures.Union(failures);
            return;
        }
        // Grant ids are compared only on a tie of expiries: they live in the records.
        ref readonly var source = ref grants.SourceAt(slot);
        var expiry = Math.Min(source.UntilTicks, membershipEnd);
        if (selection.BestSlot < 0
            || expiry > selection.BestExpiry
            || (expiry == selection.BestExpiry && source.Fact.Id.CompareTo(grants.SourceAt(selection.BestSlot).Fact.Id) < 0))
        {
            selection.BestSlot = slot;
            selection.BestMembership = membership;
            selection.BestExpiry = expiry;
        }
    }

    private struct GrantSelection(long now)
    {
        public readonly long Now = now;
        public readonly int NowMinute = GrantRow.MinuteOf(now);
        public int Candidates;
        public ReasonSet Failures;
        public int BestSlot = -1;
        public int BestMembership;
        public long BestExpiry;
    }
}

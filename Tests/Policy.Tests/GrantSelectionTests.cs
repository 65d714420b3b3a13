using Portal.Policy.Model;

namespace Portal.Policy.Tests;

public class GrantSelectionTests
{
    private static readonly ValidExport Valid = new();

    [Fact]
    public void The_grant_whose_permission_lasts_longest_wins()
    {
        var shortPersonal = Valid.Grant with { Id = ValidExport.Id(41), Target = GrantTarget.Person(ValidExport.Alice), ValidUntil = ValidExport.Now.AddDays(10), K = 11 };
        var longPersonal = shortPersonal with { Id = ValidExport.Id(42), ValidUntil = ValidExport.Now.AddDays(120), K = 12 };
        var snapshot = Valid.Snapshot().WithGrant(shortPersonal).WithGrant(longPersonal);

        var decision = snapshot.Decide(Valid.Request);

        // The VO grant runs 200 days but is cut to 90 by the membership; the personal one runs 120.
        Assert.Equal(longPersonal.Id, decision.Obligations.PseudonymKeyScope);
        Assert.Equal(12, decision.Obligations.K);
        Assert.Equal(ValidExport.Now.AddDays(120), decision.Obligations.ExpiresAt);
    }

    [Fact]
    public void Equal_expiries_are_broken_by_the_smallest_grant_id_whatever_the_insertion_order()
    {
        var a = Valid.Grant with { Id = ValidExport.Id(60), Target = GrantTarget.Person(ValidExport.Alice) };
        var b = a with { Id = ValidExport.Id(61) };

        var ab = Valid.Snapshot().WithGrant(a).WithGrant(b).Decide(Valid.Request);
        var ba = Valid.Snapshot().WithGrant(b).WithGrant(a).Decide(Valid.Request);

        Assert.Equal(a.Id, ab.Obligations.PseudonymKeyScope);
        Assert.Equal(a.Id, ba.Obligations.PseudonymKeyScope);
    }

    [Fact]
    public void A_membership_without_expiry_leaves_the_grant_end_as_the_expiry()
    {
        var v = Valid with { Membership = Valid.Membership with { ExpiresAt = null } };

        Assert.Equal(v.Grant.ValidUntil, v.Decide().Obligations.ExpiresAt);
    }

    [Fact]
    public void Reasons_of_several_failing_grants_are_all_reported()
    {
        var expiredPersonal = Valid.Grant with { Id = ValidExport.Id(41), Target = GrantTarget.Person(ValidExport.Alice), ValidUntil = ValidExport.Now.AddDays(-1) };
        var snapshot = Valid.Snapshot().WithGrant(Valid.Grant with { RevokedAt = ValidExport.Now }).WithGrant(expiredPersonal);

        var reasons = snapshot.Decide(Valid.Request).Reasons;

        Assert.Equal(ReasonSet.Of(ReasonCode.GrantRevoked, ReasonCode.GrantExpired), reasons);
    }
}

using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Tests;

/// <summary>
/// Edges of the compiled snapshot (ids interned to ints, purposes as masks and disease ids, memberships partly
/// inside the user row, grants in per-dataset hash tables) that random small worlds reach only rarely.
/// </summary>
public class CompiledIndexTests
{
    private static readonly ValidExport Valid = new();

    [Theory]
    [InlineData("b20-b24", "B20.1")]
    [InlineData("B20-B24", "b20.1")]
    [InlineData("x99", "X99")]
    public void Disease_codes_compare_case_insensitively_whether_or_not_the_hierarchy_lists_them(string granted, string declared)
    {
        var v = Valid with
        {
            Dataset = Valid.Dataset with { DataUse = DataUseConditions.Parse("GRU") },
            Grant = Valid.Grant with { Purposes = [new GrantPurpose(PurposeCode.DS, granted)] },
            Request = Valid.Request with { Purpose = Valid.Request.Purpose with { Disease = declared } },
        };

        Assert.True(v.Decide().IsPermit, v.Decide().Reasons.ToString());
    }

    [Fact]
    public void An_unlisted_disease_matches_only_itself()
    {
        var v = Valid with
        {
            Dataset = Valid.Dataset with { DataUse = DataUseConditions.Parse("GRU") },
            Grant = Valid.Grant with { Purposes = [new GrantPurpose(PurposeCode.DS, "X99")] },
            Request = Valid.Request with { Purpose = Valid.Request.Purpose with { Disease = "X98" } },
        };

        Assert.Equal(ReasonSet.Of(ReasonCode.PurposeNotCovered), v.Decide().Reasons);
    }

    [Fact]
    public void A_grant_through_the_third_membership_counts_like_one_through_the_first()
    {
        // The first two memberships' keys sit inside the user row; the third is read from the array.
        var first = new MembershipFact(ValidExport.Alice, ValidExport.Id(60), MemberRole.Member);
        var second = new MembershipFact(ValidExport.Alice, ValidExport.Id(61), MemberRole.Member);
        var snapshot = PolicySnapshot.Build(new PolicyData(
            [Valid.Subject], [first, second, Valid.Membership], [Valid.Dataset], [Valid.Grant]));

        var decision = snapshot.Decide(Valid.Request);

        Assert.True(decision.IsPermit, decision.Reasons.ToString());
        Assert.Equal(ValidExport.Now.AddDays(90), decision.Obligations.ExpiresAt);
        Assert.Equal(ReasonSet.Of(ReasonCode.MembershipExpired), snapshot.Decide(Valid.Request with { Now = ValidExport.Now.AddDays(91) }).Reasons);
        Assert.Equal(ReasonSet.Of(ReasonCode.GrantNone), snapshot.WithoutMembership(ValidExport.Alice, ValidExport.Cohort).Decide(Valid.Request).Reasons);
    }

    [Fact]
    public void Many_grants_on_one_dataset_are_all_found_and_the_longest_wins()
    {
        var grants = Enumerable.Range(0, 500).Select(i => Valid.Grant with
        {
            Id = ValidExport.Id(1000 + i),
            Target = i % 2 == 0 ? GrantTarget.Person(ValidExport.Id(5000 + i)) : GrantTarget.WholeVo(ValidExport.Id(9000 + i)),
        }).ToList();
        var longest = Valid.Grant with { Id = ValidExport.Id(999), Target = GrantTarget.Person(ValidExport.Alice), ValidUntil = ValidExport.Now.AddDays(300) };
        var snapshot = Valid.Snapshot().WithGrant(grants[0]);
        foreach (var g in grants.Skip(1).Append(longest))
        {
            snapshot = snapshot.WithGrant(g);
        }

        Assert.Equal(longest.Id, snapshot.Decide(Valid.Request).Obligations.PseudonymKeyScope);
        Assert.Equal(502, snapshot.GrantCount);
        Assert.Equal([longest.Id, ValidExport.GrantId], snapshot.CandidateGrants(ValidExport.Alice, ValidExport.HivDataset).Select(g => g.Id));
        Assert.Equal(ValidExport.GrantId, snapshot.WithoutGrant(longest.Id).Decide(Valid.Request).Obligations.PseudonymKeyScope);
    }

    [Fact]
    public void A_user_whose_id_is_also_a_vo_id_gets_personal_grants_only_through_the_person_route()
    {
        // Grants are indexed by principal id for persons and VOs alike; the kind keeps the two routes apart.
        var sameId = ValidExport.Alice;
        var voGrantUnderAlicesId = Valid.Grant with { Id = ValidExport.Id(41), Target = GrantTarget.WholeVo(sameId) };
        var snapshot = Valid.Snapshot().WithoutGrant(ValidExport.GrantId).WithGrant(voGrantUnderAlicesId);

        Assert.Equal(ReasonSet.Of(ReasonCode.GrantNone), snapshot.Decide(Valid.Request).Reasons);
    }

    [Fact]
    public void Requests_with_ids_the_snapshot_never_saw_are_unknown_and_allocate_nothing()
    {
        var snapshot = Valid.Snapshot();
        var request = Valid.Request with { SubjectId = Guid.NewGuid(), ResourceId = Guid.NewGuid() };
        snapshot.Decide(request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decision = snapshot.Decide(request);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ReasonSet.Of(ReasonCode.SubjectUnknown, ReasonCode.DatasetUnknown), decision.Reasons);
        Assert.Equal(0, allocated);
    }
}

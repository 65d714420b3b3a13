using Portal.Policy.Model;

namespace Portal.Policy.Tests;

/// <summary>
/// Edges of the per-dataset grant tables that a more compact layout could get wrong (one was tried, see docs/policy.md,
/// "Speed and the cache"): bounds a tick apart within one minute, expiries that keep the offset their record states,
/// and a table in which one principal's grants share probe chains with many others'.
/// </summary>
public class GrantTableTests
{
    private static readonly ValidExport Valid = new();

    [Theory]
    [InlineData(-60 * TimeSpan.TicksPerSecond, true)]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(59 * TimeSpan.TicksPerSecond, false)]
    [InlineData(TimeSpan.TicksPerMinute, false)]
    public void A_grant_starts_at_its_exact_tick_within_the_minute(long fromAfterNow, bool permitted)
    {
        var now = ValidExport.Now.AddSeconds(17).AddTicks(123);
        var v = Valid with
        {
            Grant = Valid.Grant with { ValidFrom = now.AddTicks(fromAfterNow).ToOffset(TimeSpan.FromHours(-7)) },
            Request = Valid.Request with { Now = now },
        };

        var decision = v.Decide();

        Assert.Equal(permitted, decision.IsPermit);
        Assert.Equal(permitted ? ReasonSet.Empty : ReasonSet.Of(ReasonCode.GrantNotYetValid), decision.Reasons);
    }

    [Theory]
    [InlineData(-TimeSpan.TicksPerMinute, false)]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(TimeSpan.TicksPerMinute, true)]
    public void A_grant_ends_at_its_exact_tick_within_the_minute(long untilAfterNow, bool permitted)
    {
        var now = ValidExport.Now.AddSeconds(59).AddTicks(9_999);
        var v = Valid with
        {
            Grant = Valid.Grant with { ValidUntil = now.AddTicks(untilAfterNow).ToOffset(TimeSpan.FromHours(9)) },
            Membership = Valid.Membership with { ExpiresAt = null },
            Request = Valid.Request with { Now = now },
        };

        var decision = v.Decide();

        Assert.Equal(permitted, decision.IsPermit);
        Assert.Equal(permitted ? ReasonSet.Empty : ReasonSet.Of(ReasonCode.GrantExpired), decision.Reasons);
    }

    [Fact]
    public void The_expiry_keeps_the_grant_s_offset_exactly()
    {
        var until = new DateTimeOffset(2026, 9, 1, 17, 45, 12, TimeSpan.FromMinutes(330)).AddTicks(7);
        var v = Valid with
        {
            Grant = Valid.Grant with { ValidUntil = until },
            Membership = Valid.Membership with { ExpiresAt = null },
        };

        var expiresAt = v.Decide().Obligations.ExpiresAt;

        Assert.True(expiresAt.EqualsExact(until), $"{expiresAt:O} is not {until:O}");
    }

    [Fact]
    public void The_expiry_keeps_the_membership_s_offset_exactly_when_it_ends_first()
    {
        var end = new DateTimeOffset(2026, 7, 3, 8, 0, 0, TimeSpan.FromHours(-3)).AddTicks(11);
        var v = Valid with { Membership = Valid.Membership with { ExpiresAt = end } };

        var expiresAt = v.Decide().Obligations.ExpiresAt;

        Assert.True(expiresAt.EqualsExact(end), $"{expiresAt:O} is not {end:O}");
    }

    [Fact]
    public void Crowded_table_finds_every_grant_of_a_principal_and_forgets_only_the_removed_one()
    {
        // 200 personal grants for 200 other people and 20 for the cohort on one dataset: probe chains run through
        // each other and wrap around the end of the table.
        var others = Enumerable.Range(0, 200).Select(i => Valid.Grant with
        {
            Id = ValidExport.Id(1000 + i),
            Target = GrantTarget.Person(ValidExport.Id(5000 + i)),
        });
        var cohort = Enumerable.Range(0, 20).Select(i => Valid.Grant with
        {
            Id = ValidExport.Id(100 + i),
            ValidUntil = Valid.Grant.ValidUntil.AddDays(-i),
        }).ToList();
        var snapshot = PolicySnapshot.Build(new PolicyData(
            [Valid.Subject, .. Enumerable.Range(0, 200).Select(i => new Subject(ValidExport.Id(5000 + i), ValidExport.InstitutionA))],
            [Valid.Membership with { ExpiresAt = null }],
            [Valid.Dataset],
            [.. others, .. cohort]));

        Assert.Equal(cohort.Select(g => g.Id).Order(), snapshot.CandidateGrants(ValidExport.Alice, ValidExport.HivDataset).Select(g => g.Id));
        Assert.Same(cohort[0], snapshot.Decide(Valid.Request).Obligations.Grant);

        var without = snapshot.WithoutGrant(cohort[0].Id);

        Assert.Equal(cohort.Skip(1).Select(g => g.Id).Order(), without.CandidateGrants(ValidExport.Alice, ValidExport.HivDataset).Select(g => g.Id));
        Assert.Same(cohort[1], without.Decide(Valid.Request).Obligations.Grant);
        Assert.True(without.Decide(Valid.Request with { SubjectId = ValidExport.Id(5199) }).IsPermit);
    }
}

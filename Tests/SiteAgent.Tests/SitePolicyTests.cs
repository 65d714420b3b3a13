using Microsoft.Extensions.Time.Testing;
using Portal.Connectors.Anonymization;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.SiteAgent.SitePolicy;
using Portal.Connectors.SiteAgent.Tests.Support;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Tests;

/// <summary>The owner's rules in site.json, each refusing with its own code whatever a genuine order asks.</summary>
public sealed class SitePolicyTests
{
    private const string Vo = "11111111-1111-1111-1111-111111111111";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly DailyRows _rows;
    private readonly SitePolicyCheck _policy;
    private readonly AnonymizationProfile _profile = AnonymizationProfile.Parse(PortalKey.Profile);

    public SitePolicyTests()
    {
        var config = SiteConfig.Parse("""
            {"stateDirectory": "state", "sources": {"h": {"kind": "postgres", "connectionString": "Host=x"}},
             "datasets": {"patients": {"source": "h", "relation": "public.patients", "minK": 5, "neverLeave": ["mrn", "full_name"],
                                       "purposes": ["HMB", "DS:*"], "vos": ["__VO__"], "maxRowsPerDayPerGrant": 100}}}
            """.Replace("__VO__", Vo, StringComparison.Ordinal), Path.GetTempPath());
        _rows = new DailyRows(_clock);
        _policy = new SitePolicyCheck(config, _rows);
    }

    private Order Fresh(OrderKind kind = OrderKind.Export) => PortalKey.NewOrder("a", _clock.GetUtcNow(), kind);

    [Fact]
    public void An_order_within_the_policy_passes()
    {
        Assert.Null(_policy.Check(Fresh(), _profile));
    }

    [Fact]
    public void A_dataset_the_site_does_not_expose_is_refused_for_every_kind()
    {
        foreach (var kind in new[] { OrderKind.Describe, OrderKind.Export })
        {
            var order = Fresh(kind);
            order.SiteDataset = "staff";
            Assert.Equal(SiteCodes.DatasetNotExposed, _policy.Check(order, _profile)!.Code);
        }
    }

    [Fact]
    public void Describe_is_only_held_to_the_datasets_exposed()
    {
        var order = Fresh(OrderKind.Describe);
        order.K = 1;
        order.Purpose = "NCU";
        Assert.Null(_policy.Check(order, null));
    }

    [Fact]
    public void A_k_under_the_sites_floor_is_refused()
    {
        var order = Fresh();
        order.K = 4;
        Assert.Equal(SiteCodes.KBelowFloor, _policy.Check(order, _profile)!.Code);
    }

    [Fact]
    public void The_profiles_k_counts_because_the_export_delivers_the_larger()
    {
        var order = Fresh();
        order.K = 1;
        Assert.Null(_policy.Check(order, _profile with { K = 5 }));
    }

    [Fact]
    public void A_listed_column_that_never_leaves_is_refused_by_name()
    {
        var order = Fresh();
        order.Columns.Add("age");
        order.Columns.Add("MRN");
        var refusal = _policy.Check(order, _profile)!;
        Assert.Equal(SiteCodes.ColumnForbidden, refusal.Code);
        Assert.Contains("'MRN'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_listed_columns_the_profiles_kept_columns_are_checked()
    {
        // mrn is dropped by the profile: it does not leave.
        Assert.Null(_policy.Check(Fresh(), _profile));
        var keeps = AnonymizationProfile.Parse(PortalKey.Profile.Replace("\"drop\"", "\"redact\"", StringComparison.Ordinal));
        Assert.Equal(SiteCodes.ColumnForbidden, _policy.Check(Fresh(), keeps)!.Code);
    }

    [Theory]
    [InlineData("HMB", true)]
    [InlineData("DS:HIV", true)]
    [InlineData("GRU", false)]
    [InlineData("DS:", false)]
    [InlineData("hmb", false)]
    public void Purposes_are_exact_codes_or_every_disease_specific_one(string purpose, bool allowed)
    {
        var order = Fresh();
        order.Purpose = purpose;
        Assert.Equal(allowed ? null : SiteCodes.PurposeNotAllowed, _policy.Check(order, _profile)?.Code);
    }

    [Fact]
    public void An_order_through_no_allowed_vo_is_refused()
    {
        var order = Fresh();
        order.VoIds.Clear();
        order.VoIds.Add("22222222-2222-2222-2222-222222222222");
        Assert.Equal(SiteCodes.VoNotAllowed, _policy.Check(order, _profile)!.Code);
        order.VoIds.Add(Vo.ToUpperInvariant());
        Assert.Null(_policy.Check(order, _profile));
    }

    [Fact]
    public void A_grant_that_had_its_rows_today_is_refused_until_the_next_utc_day()
    {
        var order = Fresh();
        Assert.True(_rows.TryTake(order.GrantId, 60, 100));
        Assert.Null(_policy.Check(order, _profile));
        // An export that asks for more than is left is cut, and the rest of the day is spent with it.
        Assert.False(_rows.TryTake(order.GrantId, 41, 100));
        Assert.Equal(100, _rows.SentToday(order.GrantId));
        Assert.Equal(SiteCodes.DailyRowsExceeded, _policy.Check(order, _profile)!.Code);
        var other = Fresh();
        Assert.Null(_policy.Check(other, _profile));
        _clock.Advance(TimeSpan.FromHours(12));
        Assert.Null(_policy.Check(order, _profile));
    }

    [Fact]
    public void Absent_purposes_and_vos_allow_any()
    {
        var config = SiteConfig.Parse("""{"stateDirectory": "s", "fileRoots": ["."], "datasets": {"d": {"file": "d.csv"}}}""", Path.GetTempPath());
        var order = Fresh();
        order.SiteDataset = "d";
        order.Purpose = "NCU";
        order.VoIds.Clear();
        Assert.Null(new SitePolicyCheck(config, _rows).Check(order, _profile));
    }

    [Theory]
    [InlineData("""{"datasets": {}}""", "stateDirectory")]
    [InlineData("""{"stateDirectory": "s", "datasets": {"d": {"source": "nope", "relation": "t"}}}""", "sources does not define")]
    [InlineData("""{"stateDirectory": "s", "datasets": {"d": {"file": "x.csv"}}}""", "fileRoots")]
    [InlineData("""{"stateDirectory": "s", "fileRoots": ["."], "datasets": {"d": {"file": "x.txt"}}}""", "csv or parquet")]
    [InlineData("""{"stateDirectory": "s", "sources": {"h": {"kind": "postgres"}}}""", "exactly one of")]
    [InlineData("""{"stateDirectory": "s", "unknown": 1}""", "not valid")]
    public void A_site_configuration_that_cannot_be_right_is_refused_with_a_sentence(string json, string expected)
    {
        var e = Assert.Throws<SiteConfigException>(() => SiteConfig.Parse(json, Path.GetTempPath()));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}

using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.SiteAgent.Tests.Support;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Tests;

/// <summary>The checks an order passes before the site policy: each way of getting one wrong has its own code.</summary>
public sealed class OrderCheckTests : IDisposable
{
    private const string Agent = "agent-1";
    private readonly PortalKey _portal = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly OrderChecks _checks;

    public OrderCheckTests() => _checks = new OrderChecks(_portal.PublicKey, Agent, new NonceRegistry(_clock), _clock);

    public void Dispose() => _portal.Dispose();

    private Order Fresh(OrderKind kind = OrderKind.Export) => PortalKey.NewOrder(Agent, _clock.GetUtcNow(), kind);

    [Fact]
    public void A_valid_order_passes()
    {
        var order = Fresh();
        var check = _checks.Check(_portal.Sign(order));
        Assert.Null(check.Refusal);
        Assert.Equal(order.OrderId, check.Order!.OrderId);
    }

    [Fact]
    public void A_describe_order_without_a_profile_passes()
    {
        Assert.Null(_checks.Check(_portal.Sign(Fresh(OrderKind.Describe))).Refusal);
    }

    [Fact]
    public void Bytes_that_are_no_order_are_malformed_and_have_no_order()
    {
        var work = new Work { Order = new SignedOrder { Order = ByteString.CopyFrom(0xff, 0xff, 0xff), Signature = ByteString.Empty } };
        var check = _checks.Check(work);
        Assert.Null(check.Order);
        Assert.Equal(SiteCodes.Malformed, check.Refusal!.Code);
    }

    [Fact]
    public void An_order_signed_by_another_key_is_forged()
    {
        using var other = SiteKeys.Create();
        var check = _checks.Check(PortalKey.SignWith(other, Fresh(), PortalKey.Profile));
        Assert.Equal(SiteCodes.SignatureInvalid, check.Refusal!.Code);
    }

    [Fact]
    public void An_order_changed_after_signing_is_forged()
    {
        var work = _portal.Sign(Fresh());
        var changed = Order.Parser.ParseFrom(work.Order.Order);
        changed.K = 1;
        work.Order.Order = changed.ToByteString();
        Assert.Equal(SiteCodes.SignatureInvalid, _checks.Check(work).Refusal!.Code);
    }

    [Fact]
    public void An_order_for_another_agent_is_refused()
    {
        var order = Fresh();
        order.AgentId = "agent-2";
        Assert.Equal(SiteCodes.WrongAgent, _checks.Check(_portal.Sign(order)).Refusal!.Code);
    }

    [Fact]
    public void Agent_ids_that_are_guids_match_in_any_spelling()
    {
        var id = Guid.NewGuid();
        Assert.True(OrderChecks.SameAgent(id.ToString("D"), id.ToString("N").ToUpperInvariant()));
        Assert.False(OrderChecks.SameAgent(id.ToString("D"), Guid.NewGuid().ToString("D")));
        Assert.False(OrderChecks.SameAgent("agent-1", "Agent-1"));
    }

    [Fact]
    public void An_order_valid_for_more_than_a_minute_is_refused()
    {
        var order = Fresh();
        order.NotAfterUnixMs = order.IssuedUnixMs + (long)OrderLimits.MaxLifetime.TotalMilliseconds + 1;
        Assert.Equal(SiteCodes.LifetimeTooLong, _checks.Check(_portal.Sign(order)).Refusal!.Code);
    }

    [Fact]
    public void An_order_issued_beyond_the_clock_skew_is_not_yet_valid()
    {
        var order = PortalKey.NewOrder(Agent, _clock.GetUtcNow() + OrderLimits.ClockSkew + TimeSpan.FromSeconds(1));
        Assert.Equal(SiteCodes.NotYetValid, _checks.Check(_portal.Sign(order)).Refusal!.Code);
    }

    [Fact]
    public void An_order_issued_within_the_clock_skew_passes()
    {
        var order = PortalKey.NewOrder(Agent, _clock.GetUtcNow() + OrderLimits.ClockSkew - TimeSpan.FromSeconds(1));
        Assert.Null(_checks.Check(_portal.Sign(order)).Refusal);
    }

    [Fact]
    public void An_order_past_its_not_after_is_expired()
    {
        var work = _portal.Sign(Fresh());
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(SiteCodes.Expired, _checks.Check(work).Refusal!.Code);
    }

    [Fact]
    public void An_order_seen_before_is_replayed()
    {
        var work = _portal.Sign(Fresh());
        Assert.Null(_checks.Check(work).Refusal);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(SiteCodes.Replayed, _checks.Check(work).Refusal!.Code);
    }

    [Fact]
    public void A_forged_order_does_not_spend_the_real_orders_nonce()
    {
        using var other = SiteKeys.Create();
        var order = Fresh();
        Assert.Equal(SiteCodes.SignatureInvalid, _checks.Check(PortalKey.SignWith(other, order, PortalKey.Profile)).Refusal!.Code);
        Assert.Null(_checks.Check(_portal.Sign(order)).Refusal);
    }

    [Fact]
    public void A_profile_other_than_the_signed_one_is_a_mismatch()
    {
        var work = _portal.Sign(Fresh());
        work.ProfileJson = PortalKey.Profile.Replace("\"drop\"", "\"keep\"", StringComparison.Ordinal);
        Assert.Equal(SiteCodes.ProfileMismatch, _checks.Check(work).Refusal!.Code);
    }

    [Theory]
    [InlineData(OrderKind.Suggest)]
    [InlineData(OrderKind.Count)]
    [InlineData(OrderKind.Unspecified)]
    public void Kinds_not_built_are_unsupported(OrderKind kind)
    {
        Assert.Equal(SiteCodes.Unsupported, _checks.Check(_portal.Sign(Fresh(kind))).Refusal!.Code);
    }

    [Fact]
    public void Nonces_are_forgotten_once_their_orders_could_no_longer_pass()
    {
        var nonces = new NonceRegistry(_clock);
        Assert.True(nonces.TryUse([1, 2, 3], _clock.GetUtcNow() + TimeSpan.FromSeconds(30)));
        Assert.False(nonces.TryUse([1, 2, 3], _clock.GetUtcNow() + TimeSpan.FromSeconds(30)));
        _clock.Advance(TimeSpan.FromSeconds(30) + OrderLimits.ClockSkew + TimeSpan.FromSeconds(1));
        Assert.Equal(0, nonces.Count);
    }
}

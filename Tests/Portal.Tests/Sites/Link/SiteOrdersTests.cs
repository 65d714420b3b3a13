using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Features.Sites.Link;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.Link;

/// <summary>Orders go out signed; only the agent they went to can answer them; its bytes stream through; its manifest must carry its signature.</summary>
public sealed class SiteOrdersTests(SitePortalFactory portal) : IClassFixture<SitePortalFactory>
{
    private SiteOrders Orders => portal.Services.GetRequiredService<SiteOrders>();

    private static SiteOrderDraft Draft(Guid agent) => new(agent, OrderKind.Export, "patients", Guid.NewGuid(), GrantId: Guid.NewGuid(),
        ProfileJson: """{"name":"p"}""", ProfileVersion: 3, Purpose: "HMB", K: 5, Columns: ["age"], RequesterRef: "ref", Format: "csv");

    [Fact]
    public async Task An_order_is_signed_by_the_portal_key_fresh_and_names_its_profile_by_hash()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal);
        await agent.ConnectAsync();
        var opening = Orders.OpenAsync(Draft(agent.Id), CancellationToken.None);
        var work = await agent.NextAsync();
        var key = portal.Services.GetRequiredService<OrderSigningKey>();
        Assert.True(SiteKeys.Verify(key.PublicKey, work.Work.Order.Order.Span, work.Work.Order.Signature.Span));
        var order = ScriptedAgent.ReadOrder(work);
        Assert.Equal(agent.Id.ToString("D"), order.AgentId);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(work.Work.ProfileJson)), order.ProfileSha256.ToByteArray());
        Assert.InRange(order.NotAfterUnixMs - order.IssuedUnixMs, 1, (long)OrderLimits.MaxLifetime.TotalMilliseconds);
        Assert.Equal(16, order.Nonce.Length);
        Assert.Equal(5, order.K);

        var delivery = await agent.OpenDeliveryAsync(order.OrderId, refusal: "site.policy.k_below_floor");
        var refused = await opening;
        Assert.Equal("site.policy.k_below_floor", refused.Failure!.Code);
        Assert.Equal(FailureKind.Forbidden, refused.Failure.Kind);
        await delivery.RequestStream.CompleteAsync();
        delivery.Dispose();
    }

    [Fact]
    public async Task Delivered_bytes_stream_through_and_the_signed_manifest_closes_the_order()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal);
        await agent.ConnectAsync();
        var opening = Orders.OpenAsync(Draft(agent.Id), CancellationToken.None);
        var order = ScriptedAgent.ReadOrder(await agent.NextAsync());
        using var delivery = await agent.OpenDeliveryAsync(order.OrderId);
        await using var call = (await opening).Value!;
        var sent = new byte[3][];
        for (var i = 0; i < sent.Length; i++)
        {
            sent[i] = RandomNumberGenerator.GetBytes(OrderLimits.ChunkBytes);
            await delivery.RequestStream.WriteAsync(new Delivery { Data = ByteString.CopyFrom(sent[i]) });
        }
        const string Manifest = """{"rowsWritten":3}""";
        await delivery.RequestStream.WriteAsync(new Delivery { Closing = new Closing { ManifestJson = Manifest, Signature = ByteString.CopyFrom(agent.SignManifest(order.OrderId, Manifest)) } });
        var received = new List<byte>();
        await foreach (var chunk in call.ChunksAsync(CancellationToken.None))
        {
            received.AddRange(chunk.ToArray());
        }
        Assert.Equal(sent.SelectMany(b => b), received);
        Assert.True(call.End!.Completed);
        Assert.Equal(Manifest, call.End.ManifestJson);
        await call.DisposeAsync();
        await delivery.RequestStream.CompleteAsync();
        Assert.True((await delivery.ResponseAsync).Recorded);
    }

    [Fact]
    public async Task A_manifest_not_signed_by_the_agent_fails_the_order()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal);
        await agent.ConnectAsync();
        var opening = Orders.OpenAsync(Draft(agent.Id), CancellationToken.None);
        var order = ScriptedAgent.ReadOrder(await agent.NextAsync());
        using var delivery = await agent.OpenDeliveryAsync(order.OrderId);
        await using var call = (await opening).Value!;
        using var other = SiteKeys.Create();
        var forged = SiteKeys.Sign(other, SignedPayloads.Manifest(agent.Id.ToString("D"), order.OrderId, "{}"));
        await delivery.RequestStream.WriteAsync(new Delivery { Closing = new Closing { ManifestJson = "{}", Signature = ByteString.CopyFrom(forged) } });
        await foreach (var _ in call.ChunksAsync(CancellationToken.None))
        {
        }
        Assert.False(call.End!.Completed);
        Assert.Equal("site.delivery.bad_signature", call.End.Code);
    }

    [Fact]
    public async Task Another_agent_cannot_answer_an_order_sent_to_this_one()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal);
        await using var intruder = await ScriptedAgent.EnrolledAsync(portal, "intruder");
        await agent.ConnectAsync();
        await intruder.ConnectAsync();
        var opening = Orders.OpenAsync(Draft(agent.Id), CancellationToken.None);
        var order = ScriptedAgent.ReadOrder(await agent.NextAsync());
        // The intruder signs the opening with its own key but names the agent the order went to.
        using var forged = await agent.OpenDeliveryAsync(order.OrderId, signer: intruder.Key);
        var e = await Assert.ThrowsAsync<RpcException>(() => forged.ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        using var real = await agent.OpenDeliveryAsync(order.OrderId);
        await using var call = (await opening).Value!;
        Assert.Equal(order.OrderId, call.OrderId);
    }

    [Fact]
    public async Task An_agent_that_dies_mid_delivery_leaves_an_order_that_visibly_failed()
    {
        portal.Start();
        var agent = await ScriptedAgent.EnrolledAsync(portal);
        await agent.ConnectAsync();
        var opening = Orders.OpenAsync(Draft(agent.Id), CancellationToken.None);
        var order = ScriptedAgent.ReadOrder(await agent.NextAsync());
        var delivery = await agent.OpenDeliveryAsync(order.OrderId);
        await using var call = (await opening).Value!;
        await delivery.RequestStream.WriteAsync(new Delivery { Data = ByteString.CopyFrom(new byte[1000]) });
        var chunks = 0;
        await foreach (var _ in call.ChunksAsync(CancellationToken.None))
        {
            chunks++;
            // The site's process goes away: its HTTP/2 connection closes with the call unfinished.
            delivery.Dispose();
            await agent.DisposeAsync();
        }
        Assert.Equal(1, chunks);
        Assert.False(call.End!.Completed);
        Assert.True(call.End.Code is "site.agent.lost" or "site.delivery.cut" or "site.agent.offline", call.End.Code);
    }

    [Fact]
    public async Task An_order_for_an_agent_that_is_not_connected_is_refused_as_offline()
    {
        portal.Start();
        var result = await Orders.OpenAsync(Draft(Guid.NewGuid()), CancellationToken.None);
        Assert.Equal("site.agent.offline", result.Failure!.Code);
        Assert.Equal(FailureKind.Unavailable, result.Failure.Kind);
    }
}

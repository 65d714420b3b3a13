using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.Link;

/// <summary>
/// A test playing a site agent over a real HTTP/2 connection, one protocol step at a time, so each of the portal's
/// checks can be met with exactly the wrong thing. The real agent is tested against the portal elsewhere.
/// </summary>
internal sealed class ScriptedAgent : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private AsyncDuplexStreamingCall<AgentMessage, PortalMessage>? _connect;

    private ScriptedAgent(Uri portal, Guid id, ECDsa key)
    {
        _channel = GrpcChannel.ForAddress(portal);
        Client = new SiteLink.SiteLinkClient(_channel);
        Id = id;
        Key = key;
    }

    public SiteLink.SiteLinkClient Client { get; }
    public Guid Id { get; }
    public ECDsa Key { get; }

    /// <summary>An agent enrolled directly in the database, for a new owner.</summary>
    public static async Task<ScriptedAgent> EnrolledAsync(SitePortalFactory portal, string name = "ward-7")
    {
        var key = SiteKeys.Create();
        var spki = key.ExportSubjectPublicKeyInfo();
        var agent = new ScriptedAgent(portal.AgentUrl, Guid.NewGuid(), key);
        await using var db = portal.CreateDb();
        var owner = new User { Id = Guid.NewGuid(), Issuer = "https://idp.test", Subject = Guid.NewGuid().ToString("N"), DisplayName = "Owner", CreatedAt = DateTimeOffset.UtcNow };
        db.Users.Add(owner);
        db.SiteAgents.Add(new SiteAgent
        {
            Id = agent.Id,
            OwnerId = owner.Id,
            Name = name,
            PublicKey = spki,
            Fingerprint = SiteKeys.Fingerprint(spki),
            EnrolledAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return agent;
    }

    public async Task<PortalMessage> HelloAsync(string? agentId = null)
    {
        _connect = Client.Connect();
        await _connect.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { AgentId = agentId ?? Id.ToString("D"), Version = "test", Datasets = { "patients" } } });
        return await NextAsync();
    }

    public async Task<PortalMessage> ProveAsync(PortalMessage challenge, ECDsa? signer = null)
    {
        var payload = SignedPayloads.Challenge(Id.ToString("D"), challenge.Challenge.Nonce.Span);
        await _connect!.RequestStream.WriteAsync(new AgentMessage { Proof = new Proof { Signature = ByteString.CopyFrom(SiteKeys.Sign(signer ?? Key, payload)) } });
        return await NextAsync();
    }

    public async Task ConnectAsync()
    {
        var welcome = await ProveAsync(await HelloAsync());
        Assert.Equal(PortalMessage.BodyOneofCase.Welcome, welcome.BodyCase);
    }

    public async Task<PortalMessage> NextAsync(int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        Assert.True(await _connect!.ResponseStream.MoveNext(timeout.Token), "the portal ended the Connect call");
        return _connect.ResponseStream.Current;
    }

    /// <summary>Opens the Deliver call for an order with the opening this agent would send (or a refusal).</summary>
    public async Task<AsyncClientStreamingCall<Delivery, DeliveryReceipt>> OpenDeliveryAsync(string orderId, string? refusal = null, ECDsa? signer = null)
    {
        var call = Client.Deliver();
        var proof = SiteKeys.Sign(signer ?? Key, SignedPayloads.Opening(Id.ToString("D"), orderId));
        await call.RequestStream.WriteAsync(new Delivery
        {
            Opening = new Opening { OrderId = orderId, AgentId = Id.ToString("D"), Proof = ByteString.CopyFrom(proof), RefusalCode = refusal ?? "", RefusalMessage = refusal is null ? "" : "refused by test" },
        });
        return call;
    }

    public byte[] SignManifest(string orderId, string manifestJson) => SiteKeys.Sign(Key, SignedPayloads.Manifest(Id.ToString("D"), orderId, manifestJson));

    public static Order ReadOrder(PortalMessage work) => Order.Parser.ParseFrom(work.Work.Order.Order);

    public async ValueTask DisposeAsync()
    {
        _connect?.Dispose();
        _channel.Dispose();
        Key.Dispose();
        await Task.CompletedTask;
    }
}

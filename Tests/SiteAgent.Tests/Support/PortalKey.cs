using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Tests.Support;

/// <summary>Plays the portal's order-signing key: builds orders as the portal would and signs them.</summary>
public sealed class PortalKey : IDisposable
{
    private readonly ECDsa _key = SiteKeys.Create();

    public byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

    public const string Profile = """
        {"formatVersion":1,"name":"t","version":1,"k":1,"columns":[
          {"name":"id","class":"DirectIdentifier","transform":{"type":"pseudonym"}},
          {"name":"age","class":"Other","transform":{"type":"keep"}},
          {"name":"mrn","class":"DirectIdentifier","transform":{"type":"drop"}}]}
        """;

    public static byte[] ProfileHash(string profile) => SHA256.HashData(Encoding.UTF8.GetBytes(profile));

    /// <summary>An export order valid now for <paramref name="agentId"/> with a fresh nonce; <paramref name="change"/> edits it before signing.</summary>
    public static Order NewOrder(string agentId, DateTimeOffset now, OrderKind kind = OrderKind.Export, string dataset = "patients", string profile = Profile)
    {
        var order = new Order
        {
            OrderId = Guid.NewGuid().ToString("D"),
            Nonce = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)),
            AgentId = agentId,
            Kind = kind,
            SiteDataset = dataset,
            DatasetId = Guid.NewGuid().ToString("D"),
            GrantId = kind == OrderKind.Describe ? "" : Guid.NewGuid().ToString("D"),
            ProfileVersion = 1,
            ProfileSha256 = kind == OrderKind.Describe ? ByteString.Empty : ByteString.CopyFrom(ProfileHash(profile)),
            Purpose = "HMB",
            K = 5,
            RequesterRef = "ref-1",
            IssuedUnixMs = now.ToUnixTimeMilliseconds(),
            NotAfterUnixMs = (now + TimeSpan.FromSeconds(30)).ToUnixTimeMilliseconds(),
            Format = "csv",
        };
        order.VoIds.Add("11111111-1111-1111-1111-111111111111");
        return order;
    }

    public Work Sign(Order order, string profileJson = Profile) => SignWith(_key, order, profileJson);

    public static Work SignWith(ECDsa key, Order order, string profileJson)
    {
        ArgumentNullException.ThrowIfNull(order);
        var bytes = order.ToByteArray();
        return new Work
        {
            Order = new SignedOrder { Order = ByteString.CopyFrom(bytes), Signature = ByteString.CopyFrom(SiteKeys.Sign(key, bytes)) },
            ProfileJson = order.Kind == OrderKind.Describe ? "" : profileJson,
        };
    }

    public void Dispose() => _key.Dispose();
}

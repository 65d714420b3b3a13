using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>
/// Whether an order really comes from the pinned portal, for this agent, now, once, with the profile it was signed
/// for, and of a kind the agent answers. The checks run in a fixed order and the first failure is the reason; the nonce
/// is spent only by an order whose signature and times are good, so a forger cannot burn a real order's nonce.
/// </summary>
public sealed class OrderChecks(byte[] pinnedOrderKey, string agentId, NonceRegistry nonces, TimeProvider clock)
{
    private static readonly OrderKind[] Supported = [OrderKind.Describe, OrderKind.Preview, OrderKind.Export];

    /// <summary>The order, parsed; <see cref="OrderCheck.Refusal"/> is set when it must be refused.</summary>
    public OrderCheck Check(Work work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Order order;
        try
        {
            order = Order.Parser.ParseFrom(work.Order?.Order ?? ByteString.Empty);
        }
        catch (InvalidProtocolBufferException)
        {
            return new OrderCheck(null, new OrderRefusal(SiteCodes.Malformed, "the order cannot be read"));
        }
        if (string.IsNullOrEmpty(order.OrderId) || order.Nonce.Length < 16)
        {
            return Refuse(order, SiteCodes.Malformed, "the order has no id or a nonce shorter than 16 bytes");
        }
        if (!SiteKeys.Verify(pinnedOrderKey, work.Order!.Order.Span, work.Order.Signature.Span))
        {
            return Refuse(order, SiteCodes.SignatureInvalid, "the order is not signed by the portal this agent enrolled with");
        }
        if (!SameAgent(order.AgentId, agentId))
        {
            return Refuse(order, SiteCodes.WrongAgent, "the order is addressed to another agent");
        }
        var issued = DateTimeOffset.FromUnixTimeMilliseconds(order.IssuedUnixMs);
        var notAfter = DateTimeOffset.FromUnixTimeMilliseconds(order.NotAfterUnixMs);
        if (notAfter - issued > OrderLimits.MaxLifetime)
        {
            return Refuse(order, SiteCodes.LifetimeTooLong, $"the order is valid for {(notAfter - issued).TotalSeconds:0.#} s; at most {OrderLimits.MaxLifetime.TotalSeconds:0} s are accepted");
        }
        var now = clock.GetUtcNow();
        if (issued > now + OrderLimits.ClockSkew)
        {
            return Refuse(order, SiteCodes.NotYetValid, "the order is issued in the future (check the clocks of the site and the portal)");
        }
        if (now > notAfter)
        {
            return Refuse(order, SiteCodes.Expired, "the order has expired");
        }
        if (!nonces.TryUse(order.Nonce.Span, notAfter))
        {
            return Refuse(order, SiteCodes.Replayed, "the order's nonce was seen before: an order is answered once");
        }
        if (!ProfileMatches(order, work.ProfileJson))
        {
            return Refuse(order, SiteCodes.ProfileMismatch, "the profile sent is not the one the portal signed the order for");
        }
        if (!Supported.Contains(order.Kind))
        {
            return Refuse(order, SiteCodes.Unsupported, $"this agent does not answer {order.Kind} orders");
        }
        return new OrderCheck(order, null);
    }

    /// <summary>Agent ids are GUIDs at the portal: any spelling of the same GUID is the same agent.</summary>
    public static bool SameAgent(string a, string b) =>
        Guid.TryParse(a, out var x) && Guid.TryParse(b, out var y) ? x == y : string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>An order without a profile (DESCRIBE) carries neither a profile nor its hash; any other must match.</summary>
    private static bool ProfileMatches(Order order, string profileJson)
    {
        if (order.ProfileSha256.IsEmpty && string.IsNullOrEmpty(profileJson))
        {
            return true;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(profileJson ?? ""));
        return CryptographicOperations.FixedTimeEquals(hash, order.ProfileSha256.Span);
    }

    private static OrderCheck Refuse(Order order, string code, string message) => new(order, new OrderRefusal(code, message));
}

/// <param name="Order">Null only when the bytes are not an order at all.</param>
public sealed record OrderCheck(Order? Order, OrderRefusal? Refusal)
{
    /// <summary>Codes given before the nonce was spent: a site log entry with one of them holds no nonce worth remembering.</summary>
    public static bool SpendsNoNonce(string? code) => code is SiteCodes.Malformed or SiteCodes.SignatureInvalid or SiteCodes.WrongAgent
        or SiteCodes.LifetimeTooLong or SiteCodes.NotYetValid or SiteCodes.Expired;
}

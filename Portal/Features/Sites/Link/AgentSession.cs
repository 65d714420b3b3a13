using System.Collections.Concurrent;
using System.Threading.Channels;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Features.Sites.Link;

/// <summary>
/// One connected agent on this instance: its key (to check the proofs of its deliveries), the messages waiting to be
/// written to its Connect stream (one writer: gRPC streams take one write at a time), and its orders still open.
/// </summary>
public sealed class AgentSession(Guid agentId, Guid ownerId, string name, byte[] publicKey) : IDisposable
{
    private readonly CancellationTokenSource _ended = new();

    public Guid AgentId { get; } = agentId;
    public Guid OwnerId { get; } = ownerId;
    public string Name { get; } = name;
    public byte[] PublicKey { get; } = publicKey;

    internal Channel<PortalMessage> Outbox { get; } = Channel.CreateUnbounded<PortalMessage>(new UnboundedChannelOptions { SingleReader = true });

    internal ConcurrentDictionary<string, PendingOrder> Orders { get; } = new(StringComparer.Ordinal);

    /// <summary>Cancelled when the session ends: the agent left, was replaced by a newer connection, or was disabled.</summary>
    public CancellationToken Ended => _ended.Token;

    public string? EndReason { get; private set; }

    public bool Send(PortalMessage message) => !_ended.IsCancellationRequested && Outbox.Writer.TryWrite(message);

    public void End(string reason)
    {
        EndReason ??= reason;
        Outbox.Writer.TryComplete();
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        foreach (var order in Orders.Values)
        {
            order.Fail(reason);
        }
    }

    public void Dispose() => _ended.Dispose();
}

using System.Runtime.CompilerServices;
using Grpc.Core;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Features.Sites.Link;

/// <summary>How an order ended: completed with the agent's signed manifest, or failed with a code.</summary>
public sealed record SiteOrderEnd(bool Completed, string? ManifestJson, string? Code, string? Message, byte[]? Signature);

/// <summary>
/// An order the agent accepted: read its bytes with <see cref="ChunksAsync"/> as they arrive (nothing is held), then
/// <see cref="End"/> says how it ended. Disposing lets the agent's call finish; <see cref="Cancel"/> stops the agent.
/// </summary>
public sealed class SiteOrderCall : IAsyncDisposable
{
    private readonly AgentSession _session;
    private readonly PendingOrder _pending;
    private readonly DeliveryCall _call;

    internal SiteOrderCall(AgentSession session, PendingOrder pending, DeliveryCall call)
    {
        _session = session;
        _pending = pending;
        _call = call;
    }

    public string OrderId => _pending.OrderId;

    public Guid AgentId => _session.AgentId;

    public SiteOrderEnd? End { get; private set; }

    /// <summary>The delivered bytes, chunk by chunk; the chunk is valid until the next one is asked for.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ChunksAsync([EnumeratorCancellation] CancellationToken ct)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, _call.CallAborted, _session.Ended);
        while (true)
        {
            Delivery message;
            try
            {
                if (!await _call.Reader.MoveNext(both.Token))
                {
                    End = Failed("site.delivery.cut");
                    yield break;
                }
                message = _call.Reader.Current;
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or IOException && !ct.IsCancellationRequested)
            {
                End = Failed(_session.EndReason ?? "site.agent.lost");
                yield break;
            }
            switch (message.BodyCase)
            {
                case Delivery.BodyOneofCase.Data:
                    yield return message.Data.Memory;
                    break;
                case Delivery.BodyOneofCase.Closing:
                    var closing = message.Closing;
                    var signed = SignedPayloads.Manifest(_session.AgentId.ToString("D"), OrderId, closing.ManifestJson);
                    End = SiteKeys.Verify(_session.PublicKey, signed, closing.Signature.Span)
                        ? new SiteOrderEnd(true, closing.ManifestJson, null, null, closing.Signature.ToByteArray())
                        : Failed("site.delivery.bad_signature");
                    yield break;
                case Delivery.BodyOneofCase.Failed:
                    var failed = message.Failed;
                    End = new SiteOrderEnd(false, string.IsNullOrEmpty(failed.ManifestJson) ? null : failed.ManifestJson, failed.Code, failed.Message, null);
                    yield break;
                default:
                    End = Failed("site.delivery.malformed");
                    yield break;
            }
        }
    }

    /// <summary>Stops the order at the site (the agent cancels its read) and ends its call here.</summary>
    public void Cancel(string reason)
    {
        _session.Send(new PortalMessage { Cancel = new Cancel { OrderId = OrderId, Reason = reason } });
        _call.Finish(reason);
    }

    public ValueTask DisposeAsync()
    {
        _call.Finish(End is { Completed: true } ? null : End?.Code ?? "site.delivery.abandoned");
        _session.Orders.TryRemove(OrderId, out _);
        return ValueTask.CompletedTask;
    }

    private static SiteOrderEnd Failed(string code) => new(false, null, code, SiteLinkException.Describe(code), null);
}

using Grpc.Core;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Features.Sites.Link;

/// <summary>
/// An agent's Deliver call: its first message names the order and proves, with the agent's key, that the agent the
/// order went to answers it. The call is then handed to whoever waits for the order, who reads it as the bytes come;
/// this method returns only when that reader is done, so the agent sees its delivery end when the portal's does.
/// </summary>
internal static class DeliverOrder
{
    public static async Task<DeliveryReceipt> HandleAsync(SiteLinkServices s, IAsyncStreamReader<Delivery> requests, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requests.MoveNext(ct) || requests.Current.BodyCase != Delivery.BodyOneofCase.Opening)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "site.delivery.malformed: the first message must be Opening."));
        }
        var opening = requests.Current.Opening;
        if (s.Sessions.FindOrder(opening.OrderId) is not var (session, order)
            || opening.AgentId != session.AgentId.ToString("D")
            || !SiteKeys.Verify(session.PublicKey, SignedPayloads.Opening(opening.AgentId, opening.OrderId), opening.Proof.Span))
        {
            // Unknown, answered already, or not proven by the agent it was sent to: the same answer for all three.
            s.Logs.CreateLogger(typeof(DeliverOrder)).LogWarning("Delivery for order {OrderId} refused: unknown order or wrong proof", opening.OrderId);
            throw new RpcException(new Status(StatusCode.PermissionDenied, "site.delivery.unknown_order: no open order with this id for this agent."));
        }
        var call = new DeliveryCall(opening, requests, ct);
        if (!order.Open(call))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, "site.delivery.duplicate: the order already has a delivery."));
        }
        string? aborted;
        try
        {
            aborted = await call.Finished.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // The agent went away; the reader sees the broken call itself.
            throw new RpcException(new Status(StatusCode.Cancelled, "site.agent.lost"));
        }
        if (aborted is not null)
        {
            // Ending the call with an error resets the stream: the agent's next write fails and it stops reading.
            throw new RpcException(new Status(StatusCode.Cancelled, aborted));
        }
        return new DeliveryReceipt { Recorded = true };
    }
}

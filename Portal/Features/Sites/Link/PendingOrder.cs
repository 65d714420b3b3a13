using Grpc.Core;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Features.Sites.Link;

/// <summary>An order sent to an agent and not yet answered: it waits for the agent's Deliver call to open.</summary>
public sealed class PendingOrder(string orderId)
{
    private readonly TaskCompletionSource<DeliveryCall> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DeliveryCall? _call;

    public string OrderId { get; } = orderId;

    internal Task<DeliveryCall> Opened => _opened.Task;

    internal bool Open(DeliveryCall call)
    {
        if (!_opened.TrySetResult(call))
        {
            return false;
        }
        _call = call;
        return true;
    }

    /// <summary>The agent refused the order on its Connect stream, or its session ended.</summary>
    public void Fail(string code, string? message = null)
    {
        _opened.TrySetException(new SiteLinkException(code, message ?? SiteLinkException.Describe(code)));
        _call?.Finish(code);
    }
}

/// <summary>The agent's Deliver call for one order, held open while the portal reads it.</summary>
internal sealed class DeliveryCall(Opening opening, IAsyncStreamReader<Delivery> reader, CancellationToken callAborted)
{
    private readonly TaskCompletionSource<string?> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Opening Opening { get; } = opening;

    public IAsyncStreamReader<Delivery> Reader { get; } = reader;

    /// <summary>Cancelled when the agent's call ends (it died, or the connection broke).</summary>
    public CancellationToken CallAborted { get; } = callAborted;

    /// <summary>Null when the portal read the delivery to its end; otherwise why it stopped reading.</summary>
    public Task<string?> Finished => _finished.Task;

    public void Finish(string? abortReason) => _finished.TrySetResult(abortReason);
}

/// <summary>A fault of the link with a stable code (site.agent.*, site.order.*, site.policy.*, site.delivery.*).</summary>
#pragma warning disable CA1032 // Every link fault has a code.
public sealed class SiteLinkException(string code, string message) : Exception(message)
#pragma warning restore CA1032
{
    public string Code { get; } = code;

    public static string Describe(string code) => code switch
    {
        "site.agent.offline" => "The site's agent is not connected to the portal.",
        "site.agent.reconnected" => "The site's agent reconnected; the order was lost with the old connection.",
        "site.agent.disabled" => "The site's agent has been disabled by its owner.",
        "site.agent.no_answer" => "The site's agent did not answer the order in time.",
        "site.agent.lost" => "The connection to the site's agent broke during the delivery.",
        "site.delivery.cut" => "The site's agent ended the delivery without closing it.",
        "site.delivery.bad_signature" => "The site's manifest is not signed by the agent's key.",
        "site.delivery.malformed" => "The site's agent sent a delivery the portal cannot read.",
        _ => "The site refused or could not answer the order.",
    };
}

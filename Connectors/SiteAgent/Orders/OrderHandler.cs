using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Portal.Connectors.Anonymization;
using Portal.Connectors.SiteAgent.Enrollment;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.SiteAgent.SitePolicy;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>
/// Answers one Work message: checks the order, then the site policy, records the decision in the site log and
/// answers on a Deliver call of its own: Opening (accepted or refused), then the data and the signed Closing, or
/// Failed. An order whose bytes are not even an order is answered on the link itself.
/// </summary>
public sealed class OrderHandler(AgentIdentity identity, OrderChecks checks, SitePolicyCheck policy, OrderWork work,
    SiteLogFile log, RunningOrders running, ILogger<OrderHandler> logger)
{
    public async Task HandleAsync(Work message, SiteLink.SiteLinkClient client, Func<AgentMessage, Task> sendOnLink, CancellationToken linkToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(sendOnLink);
        var check = checks.Check(message);
        if (check.Order is not { } order)
        {
            await RecordRefusalAsync(null, check.Refusal!).ConfigureAwait(false);
            await sendOnLink(new AgentMessage { Refusal = new SiteRefusal { Code = check.Refusal!.Code, Message = check.Refusal.Message } }).ConfigureAwait(false);
            return;
        }
        AnonymizationProfile? profile = null;
        var refusal = check.Refusal;
        if (refusal is null && order.Kind is OrderKind.Preview or OrderKind.Export)
        {
            if (string.IsNullOrEmpty(order.GrantId))
            {
                refusal = new OrderRefusal(SiteCodes.Malformed, "a preview or export order must name its grant");
            }
            else
            {
                try
                {
                    profile = AnonymizationProfile.Parse(message.ProfileJson);
                }
                catch (ProfileValidationException e)
                {
                    refusal = new OrderRefusal(SiteCodes.Malformed, "the order's profile cannot be used: " + e.Message);
                }
            }
        }
        refusal ??= policy.Check(order, profile);
        using var registration = running.Start(order.OrderId, linkToken);
        using var call = client.Deliver(cancellationToken: registration.Token);
        if (refusal is not null)
        {
            await RecordRefusalAsync(order, refusal).ConfigureAwait(false);
            await call.RequestStream.WriteAsync(new Delivery { Opening = Opening(order, refusal) }, registration.Token).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await call.ResponseAsync.ConfigureAwait(false);
            return;
        }
        await AcceptAsync(order, profile, call, registration).ConfigureAwait(false);
    }

    private async Task AcceptAsync(Order order, AnonymizationProfile? profile, AsyncClientStreamingCall<Delivery, DeliveryReceipt> call, RunningOrders.Registration registration)
    {
        var ct = registration.Token;
        await log.AppendAsync(Entry(order, SiteLogEvents.Accepted), CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("Order {OrderId} ({Kind} of {Dataset}) accepted", order.OrderId, order.Kind, order.SiteDataset);
        await call.RequestStream.WriteAsync(new Delivery { Opening = Opening(order, null) }, ct).ConfigureAwait(false);
        using var output = new ChunkStream((chunk, token) => call.RequestStream.WriteAsync(new Delivery { Data = ByteString.CopyFrom(chunk.Span) }, token));
        Delivery last;
        try
        {
            var result = await work.RunAsync(order, profile, output, ct).ConfigureAwait(false);
            await log.AppendAsync(Entry(order, SiteLogEvents.Completed) with { Rows = result.Rows, Bytes = output.BytesSent, Sha256 = output.Sha256Hex() }, CancellationToken.None).ConfigureAwait(false);
            var signature = identity.Sign(SignedPayloads.Manifest(identity.AgentId, order.OrderId, result.ManifestJson));
            last = new Delivery { Closing = new Closing { ManifestJson = result.ManifestJson, Signature = ByteString.CopyFrom(signature) } };
            logger.LogInformation("Order {OrderId} completed: {Rows} rows, {Bytes} bytes", order.OrderId, result.Rows, output.BytesSent);
        }
#pragma warning disable CA1031 // Whatever stopped the work, the portal must hear that the order ended, and the site log must say so.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var failed = e as OrderFailedException;
            var code = registration.Cancelled ? SiteCodes.Cancelled : failed?.Code ?? SiteCodes.Failed;
            // Only the pipeline's and the connectors' sentences are known never to quote a value; others stay at the site.
            var message = registration.Cancelled ? "the order was cancelled"
                : failed?.Message ?? (e is RpcException r ? $"the link failed ({r.StatusCode})" : $"the agent could not finish the order ({e.GetType().Name})");
            if (failed is null && e is not (RpcException or OperationCanceledException))
            {
                logger.LogError(e, "Order {OrderId} failed at the site", order.OrderId);
            }
            var cancelled = code == SiteCodes.Cancelled;
            await log.AppendAsync(Entry(order, cancelled ? SiteLogEvents.Cancelled : SiteLogEvents.Failed) with
            {
                Code = code,
                Message = message,
                Rows = failed?.Rows,
                Bytes = output.BytesSent,
            }, CancellationToken.None).ConfigureAwait(false);
            logger.LogWarning("Order {OrderId} ended without completing: {Code}", order.OrderId, code);
            last = new Delivery { Failed = new Failed { Code = code, Message = message, ManifestJson = failed?.ManifestJson ?? "" } };
            if (cancelled || e is RpcException)
            {
                // The portal ended the call or the link is gone: there is no one to tell.
                await TryFinishAsync(call, last).ConfigureAwait(false);
                return;
            }
        }
        await call.RequestStream.WriteAsync(last, CancellationToken.None).ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        await call.ResponseAsync.ConfigureAwait(false);
    }

    private static async Task TryFinishAsync(AsyncClientStreamingCall<Delivery, DeliveryReceipt> call, Delivery last)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await call.RequestStream.WriteAsync(last, timeout.Token).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    private async Task RecordRefusalAsync(Order? order, OrderRefusal refusal)
    {
        // The code and the order's own fields only: a refusal never records a data value.
        logger.LogWarning("Order {OrderId} refused at the site: {Code} ({Reason})", order?.OrderId ?? "(unreadable)", refusal.Code, refusal.Message);
        var entry = order is null ? new SiteLogEntry { Event = SiteLogEvents.Refused } : Entry(order, SiteLogEvents.Refused);
        await log.AppendAsync(entry with { Code = refusal.Code, Message = refusal.Message }, CancellationToken.None).ConfigureAwait(false);
    }

    private Opening Opening(Order order, OrderRefusal? refusal) => new()
    {
        OrderId = order.OrderId,
        AgentId = identity.AgentId,
        Proof = ByteString.CopyFrom(identity.Sign(SignedPayloads.Opening(identity.AgentId, order.OrderId))),
        RefusalCode = refusal?.Code ?? "",
        RefusalMessage = refusal?.Message ?? "",
    };

    private static SiteLogEntry Entry(Order order, string eventName) => new()
    {
        Event = eventName,
        OrderId = order.OrderId,
        Nonce = order.Nonce.IsEmpty ? null : order.Nonce.ToBase64(),
        Kind = order.Kind.ToString().ToLowerInvariant(),
        Dataset = NullIfEmpty(order.SiteDataset),
        GrantId = NullIfEmpty(order.GrantId),
        RequesterRef = NullIfEmpty(order.RequesterRef),
    };

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}

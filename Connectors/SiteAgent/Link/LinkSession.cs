using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Portal.Connectors.SiteAgent.Enrollment;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Link;

/// <summary>
/// One Connect call: Hello, the challenge answered with the agent's key, Welcome; then work, cancellations and
/// checkpoints until the call ends. Each order is answered on its own task, so a long export never holds the link.
/// </summary>
public sealed class LinkSession(AgentIdentity identity, IReadOnlyList<string> datasets, OrderHandler orders, RunningOrders running,
    SiteLogFile log, ILogger<LinkSession> logger, TimeSpan heartbeat)
{
    /// <summary>Runs until the portal ends the call (returns) or the link fails (throws).</summary>
    /// <param name="welcomed">Called once the portal has accepted the agent's proof.</param>
    /// <param name="orderLifetime">Cancels the orders' work; the link's own end does not (their Deliver calls are separate).</param>
    public async Task RunAsync(SiteLink.SiteLinkClient client, Action welcomed, CancellationToken orderLifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(welcomed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.Connect(cancellationToken: stop.Token);
        using var gate = new SemaphoreSlim(1, 1);
        async Task SendAsync(AgentMessage message)
        {
            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await call.RequestStream.WriteAsync(message, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        var hello = new Hello { AgentId = identity.AgentId, Version = AgentVersion.Current };
        hello.Datasets.AddRange(datasets);
        await SendAsync(new AgentMessage { Hello = hello }).ConfigureAwait(false);
        var challenge = await ExpectAsync(call.ResponseStream, PortalMessage.BodyOneofCase.Challenge, stop.Token).ConfigureAwait(false);
        var proof = identity.Sign(SignedPayloads.Challenge(identity.AgentId, challenge.Challenge.Nonce.Span));
        await SendAsync(new AgentMessage { Proof = new Proof { Signature = ByteString.CopyFrom(proof) } }).ConfigureAwait(false);
        await ExpectAsync(call.ResponseStream, PortalMessage.BodyOneofCase.Welcome, stop.Token).ConfigureAwait(false);
        logger.LogInformation("Linked to the portal as agent {AgentId}", identity.AgentId);
        welcomed();
        var beats = HeartbeatAsync(SendAsync, stop.Token);
        try
        {
            while (await call.ResponseStream.MoveNext(stop.Token).ConfigureAwait(false))
            {
                await DispatchAsync(call.ResponseStream.Current, client, SendAsync, orderLifetime).ConfigureAwait(false);
            }
            logger.LogWarning("The portal ended the link");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await beats.ConfigureAwait(false);
        }
    }

    private async Task DispatchAsync(PortalMessage message, SiteLink.SiteLinkClient client, Func<AgentMessage, Task> send, CancellationToken orderLifetime)
    {
        switch (message.BodyCase)
        {
            case PortalMessage.BodyOneofCase.Work:
                _ = Task.Run(() => AnswerAsync(message.Work, client, send, orderLifetime), CancellationToken.None);
                break;
            case PortalMessage.BodyOneofCase.Cancel:
                var found = running.Cancel(message.Cancel.OrderId);
                logger.LogInformation("The portal cancelled order {OrderId} ({Reason}){Note}", message.Cancel.OrderId, message.Cancel.Reason, found ? "" : "; it was not running");
                break;
            case PortalMessage.BodyOneofCase.Checkpoint:
                await log.AppendAsync(new SiteLogEntry
                {
                    Event = SiteLogEvents.Checkpoint,
                    CheckpointBody = message.Checkpoint.Body.ToBase64(),
                    CheckpointSignature = message.Checkpoint.Signature.ToBase64(),
                }, CancellationToken.None).ConfigureAwait(false);
                break;
            default:
                logger.LogWarning("Ignored an unexpected {Message} from the portal", message.BodyCase);
                break;
        }
    }

    private async Task AnswerAsync(Work work, SiteLink.SiteLinkClient client, Func<AgentMessage, Task> send, CancellationToken orderLifetime)
    {
        try
        {
            await orders.HandleAsync(work, client, send, orderLifetime).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
            logger.LogWarning("An order could not be answered: {Error}", e.Message);
        }
    }

    private async Task HeartbeatAsync(Func<AgentMessage, Task> send, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(heartbeat);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await send(new AgentMessage { Heartbeat = new Heartbeat { SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The link is ending; its reader reports why.
        }
    }

    private static async Task<PortalMessage> ExpectAsync(IAsyncStreamReader<PortalMessage> stream, PortalMessage.BodyOneofCase expected, CancellationToken cancellationToken)
    {
        if (!await stream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            throw new LinkProtocolException($"the portal ended the link before its {expected}");
        }
        return stream.Current.BodyCase == expected
            ? stream.Current
            : throw new LinkProtocolException($"the portal sent {stream.Current.BodyCase} where {expected} was expected");
    }
}

#pragma warning disable CA1032 // Always made with the sentence the log shows.
public sealed class LinkProtocolException(string message) : Exception(message);
#pragma warning restore CA1032

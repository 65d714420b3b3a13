using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Link;

/// <summary>
/// Keeps the agent linked: dials the portal (http:// is HTTP/2 without TLS, https:// with it), runs a session, and
/// after any loss dials again with backoff. A portal that refuses the agent (disabled: PermissionDenied) is asked
/// again at the longest interval, so re-enabling the agent in the portal is enough to bring it back.
/// </summary>
public sealed class LinkClient(Uri portal, LinkSession session, Backoff backoff, ILogger<LinkClient> logger)
{
    public static GrpcChannel Channel(Uri portal) => GrpcChannel.ForAddress(portal, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            // An idle link must survive proxies and NATs; a dead one must be noticed.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        },
    });

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var channel = Channel(portal);
        var client = new SiteLink.SiteLinkClient(channel);
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await session.RunAsync(client, () => attempt = 0, cancellationToken, cancellationToken).ConfigureAwait(false);
                wait = backoff.Next(attempt++);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                logger.LogError("The portal refuses this agent (it may be disabled there): {Detail}. Asking again in {Wait}", e.Status.Detail, backoff.Max);
                wait = backoff.Max;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is RpcException or LinkProtocolException or IOException or HttpRequestException or OperationCanceledException)
            {
                wait = backoff.Next(attempt++);
                logger.LogWarning("The link to {Portal} failed: {Error}. Dialling again in {Wait:0.0} s", portal, Describe(e), wait.TotalSeconds);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is RpcException or OperationCanceledException)
            {
                break;
            }
            try
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static string Describe(Exception e) => e is RpcException r ? $"{r.StatusCode}: {r.Status.Detail}" : e.Message;
}

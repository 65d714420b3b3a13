using System.Net;

namespace Portal.Hosting;

/// <summary>
/// Prometheus scrapes /metrics. Metrics reveal traffic and failure patterns, so by default only the machine itself may
/// read them (loopback); Metrics:AllowedNetworks adds the scraper's networks, Metrics:Enabled=false removes the
/// endpoint. Anyone else gets 404, as if there were nothing there.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static void MapPortalMetrics(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Metrics:Enabled", true))
        {
            return;
        }
        var allowed = NetworkList.Read(app.Configuration, "Metrics:AllowedNetworks");
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use((context, next) =>
        {
            if (IsAllowed(context.Connection.RemoteIpAddress, allowed))
            {
                return next(context);
            }
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }), optionsName: null).AllowAnonymous();
    }

    // No remote address means the request never crossed a network (in-process test server, Unix socket).
    private static bool IsAllowed(IPAddress? remote, IReadOnlyList<IPNetwork> allowed) =>
        remote is null || IPAddress.IsLoopback(remote) || NetworkList.Contains(allowed, remote);
}

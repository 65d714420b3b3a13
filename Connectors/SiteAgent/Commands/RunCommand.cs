using Microsoft.Extensions.Logging;
using Portal.Connectors.SiteAgent.Link;
using Portal.Connectors.SiteAgent.SitePolicy;

namespace Portal.Connectors.SiteAgent.Commands;

/// <summary>run --config site.json: the long-lived link, until Ctrl+C or SIGTERM.</summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var a = new CommandArguments(args, "config");
        var config = SiteConfig.Load(a.Optional("config") ?? "site.json");
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        }));
        await using var host = AgentHost.Create(config, loggers);
        loggers.CreateLogger("SiteAgent").LogInformation("Site agent {Version} exposes {Count} dataset(s)", AgentVersion.Current, config.Datasets.Count);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}

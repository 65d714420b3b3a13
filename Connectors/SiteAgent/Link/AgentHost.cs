using Microsoft.Extensions.Logging;
using Portal.Connectors.SiteAgent.Enrollment;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.SiteAgent.SitePolicy;

namespace Portal.Connectors.SiteAgent.Link;

/// <summary>Puts the agent together from site.json and the state folder: the `run` command and the tests start it the same way.</summary>
public sealed class AgentHost : IAsyncDisposable
{
    private readonly SiteLogFile _log;
    private readonly IReadOnlyList<LinkClient> _links;

    private AgentHost(SiteLogFile log, IReadOnlyList<LinkClient> links)
    {
        _log = log;
        _links = links;
    }

    /// <exception cref="SiteAgentException">Not enrolled, or the configuration cannot be used.</exception>
    /// <exception cref="SiteConfigException">site.json or the pseudonym secret cannot be used.</exception>
    public static AgentHost Create(SiteConfig config, ILoggerFactory loggers, TimeProvider? clock = null, TimeSpan? heartbeat = null, Backoff? backoff = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggers);
        clock ??= TimeProvider.System;
        var (state, key) = EnrollmentState.Load(config.StateDirectory);
        var secret = PseudonymSecret.Load(config.PseudonymSecretFile);
        var identity = new AgentIdentity(state.AgentId, key);
        var logPath = Path.Combine(config.StateDirectory, SiteLogFile.FileName);
        if (SiteLogVerifier.Verify(logPath) is { Valid: false } broken)
        {
            // Reported, not fatal: refusing to start would let whoever edited the log stop the site. (A line that cannot be
            // read at all does stop the start, in SiteLogFile.Open: the agent could not continue its chain.)
            loggers.CreateLogger<AgentHost>().LogError("The site log {Path} is broken at sequence number {Seq}: {Reason}", logPath, broken.BadSeq, broken.Reason);
        }
        var (log, entries) = SiteLogFile.Open(logPath, clock);
        var nonces = new NonceRegistry(clock);
        var rows = new DailyRows(clock);
        SiteLogReplay.Restore(entries, nonces, rows, clock);
        var running = new RunningOrders();
        var handler = new OrderHandler(identity,
            new OrderChecks(state.OrderKeyBytes(), state.AgentId, nonces, clock),
            new SitePolicyCheck(config, rows),
            new OrderWork(config, new SiteSources(config), secret, rows),
            log, running, loggers.CreateLogger<OrderHandler>());
        var session = new LinkSession(identity, config.Datasets.Keys.Order(StringComparer.Ordinal).ToArray(), handler, running, log,
            loggers.CreateLogger<LinkSession>(), heartbeat ?? TimeSpan.FromSeconds(15));
        // One link per portal instance; the session holds no per-connection state, so the links share it.
        var portals = config.Portals.Count > 0 ? config.Portals : [state.Portal];
        var links = portals.Select(p => new LinkClient(new Uri(p), session, backoff ?? new Backoff(), loggers.CreateLogger<LinkClient>())).ToArray();
        return new AgentHost(log, links);
    }

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(_links.Select(l => l.RunAsync(cancellationToken)));

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}

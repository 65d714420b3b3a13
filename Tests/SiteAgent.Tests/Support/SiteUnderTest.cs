using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Portal.Connectors.SiteAgent.Link;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.SiteAgent.SitePolicy;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.SiteAgent.Tests.Support;

/// <summary>
/// A site as an owner sets it up: a PostgreSQL table of patients, a pseudonym secret, site.json, the agent enrolled
/// with the in-test portal through the `enroll` command, then running (`run`'s host) with short heartbeats and backoff.
/// </summary>
public sealed class SiteUnderTest : IAsyncDisposable
{
    public const string Canary = "MRN-CANARY-7f3a9c";

    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private AgentHost? _host;

    public required TestDatabase Database { get; init; }
    public required PortalServer Server { get; init; }
    public required string Directory { get; init; }
    public string StateDirectory => Path.Combine(Directory, "state");
    public string LogPath => Path.Combine(StateDirectory, SiteLogFile.FileName);
    public FakePortal Portal => Server.Portal;
    public string EnrollOutput { get; private set; } = "";

    public static async Task<SiteUnderTest> StartAsync(int patients = 60, long? dailyCap = null, bool run = true)
    {
        var db = TestDatabase.Create("agent");
        await using (var conn = new NpgsqlConnection(db.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"""
                CREATE TABLE patients (id text PRIMARY KEY, age integer NOT NULL, mrn text, full_name text);
                INSERT INTO patients SELECT 'p' || i, 20 + i % 3, CASE WHEN i = 1 THEN '{Canary}' ELSE 'MRN-' || i END, 'Name ' || i
                FROM generate_series(1, {patients}) i;
                ANALYZE patients;
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var dir = System.IO.Directory.CreateTempSubdirectory("site-agent-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "secret"), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        await File.WriteAllTextAsync(Path.Combine(dir, "hospital.conn"), db.ConnectionString);
        var cap = dailyCap is { } c ? $", \"maxRowsPerDayPerGrant\": {c}" : "";
        await File.WriteAllTextAsync(Path.Combine(dir, "site.json"), """
            {"stateDirectory": "state", "pseudonymSecretFile": "secret",
             "sources": {"hospital": {"kind": "postgres", "connectionStringFile": "hospital.conn"}},
             "datasets": {"patients": {"source": "hospital", "relation": "public.patients", "minK": 5,
                                       "neverLeave": ["mrn", "full_name"], "purposes": ["HMB", "DS:*"]CAP}}}
            """.Replace("CAP", cap, StringComparison.Ordinal));
        var server = await PortalServer.StartAsync();
        var site = new SiteUnderTest { Database = db, Server = server, Directory = dir };
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Program.RunAsync(["enroll", "--portal", server.Address.ToString(), "--code", FakePortal.Code, "--state", site.StateDirectory], output, error, CancellationToken.None);
        Assert.True(code == 0, error.ToString());
        site.EnrollOutput = output.ToString();
        if (run)
        {
            site.Run();
            await site.Portal.Welcomed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        return site;
    }

    public SiteConfig Config => SiteConfig.Load(Path.Combine(Directory, "site.json"));

    public void Run(Backoff? backoff = null)
    {
        _host = AgentHost.Create(Config, NullLoggerFactory.Instance, heartbeat: TimeSpan.FromMilliseconds(200),
            backoff: backoff ?? new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400)));
        _running = _host.RunAsync(_stop.Token);
    }

    public List<SiteLogEntry> Log() => SiteLogFile.ReadAll(LogPath);

    /// <summary>Waits until the site log holds an entry of <paramref name="eventName"/> for the order.</summary>
    public async Task<SiteLogEntry> LoggedAsync(string orderId, string eventName, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = File.Exists(LogPath) ? Log().FirstOrDefault(e => e.OrderId == orderId && e.Event == eventName) : null;
            if (found is not null)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < until, $"no {eventName} for {orderId} in the site log within {timeout}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await Server.DisposeAsync();
        await Database.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
        _stop.Dispose();
    }
}

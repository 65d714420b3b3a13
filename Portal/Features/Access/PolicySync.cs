using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Policy;

namespace Portal.Features.Access;

/// <summary>
/// Keeps this instance's policy engine equal to the database. Triggers NOTIFY on every change of a grant, membership,
/// dataset (with its stewards and shares) or user; each instance LISTENs, reloads the changed row and updates its
/// snapshot, so a revocation on one instance is in force on all of them within milliseconds.
/// Whenever the listening connection is (re)opened, everything is reloaded: nothing missed while it was down.
/// </summary>
public sealed class PolicySync(
    IDbContextFactory<PortalDb> dbs, PolicyEngine engine, IConfiguration configuration, ILogger<PolicySync> logger) : BackgroundService
{
    public const string ChannelName = "policy_changes";

    private readonly TaskCompletionSource _firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the engine holds the database's state.</summary>
    public Task Loaded => _firstLoad.Task;

    public bool IsLoaded => _firstLoad.Task.IsCompleted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
            {
                logger.LogWarning("Policy sync lost the database ({Message}); retrying in {Delay}", e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(Hosting.DatabaseConnectivity.RequireConnectionString(configuration))
        {
            KeepAlive = 5,
            Pooling = false,
            ApplicationName = "portal-policy-sync",
        };
        await using var listener = new NpgsqlConnection(csb.ConnectionString);
        var changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        listener.Notification += (_, e) => changes.Writer.TryWrite(e.Payload);
        await listener.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", listener))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        // LISTEN first, then load: a change committed during the load is applied again afterwards, which is harmless.
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            engine.Load(await PolicyLoader.LoadAllAsync(db, ct));
        }
        _firstLoad.TrySetResult();
        logger.LogInformation("Policy engine loaded; listening for changes");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var apply = ApplyChangesAsync(changes.Reader, stop.Token);
        var wait = WaitForNotificationsAsync(listener, stop.Token);
        // Whichever fails first (lost connection, failed reload) ends both; the caller reconnects and reloads everything.
        var first = await Task.WhenAny(apply, wait);
        changes.Writer.TryComplete();
        await stop.CancelAsync();
        await first;
    }

    private static async Task WaitForNotificationsAsync(NpgsqlConnection listener, CancellationToken ct)
    {
        while (true)
        {
            await listener.WaitAsync(ct);
        }
    }

    private async Task ApplyChangesAsync(ChannelReader<string> changes, CancellationToken ct)
    {
        await foreach (var change in changes.ReadAllAsync(ct))
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            try
            {
                await PolicyLoader.ApplyAsync(db, engine, change, ct);
            }
            catch (FormatException e)
            {
                logger.LogError("Ignored policy change: {Message}", e.Message);
            }
        }
    }
}

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

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Channel<string>? changes = null;
        return Hosting.DatabaseListener.RunAsync(configuration, "portal-policy-sync", ChannelName, logger,
            e => changes?.Writer.TryWrite(e.Payload),
            async (listener, ct) =>
            {
                changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
                await ListenAsync(listener, changes, ct);
            }, stoppingToken);
    }

    private async Task ListenAsync(NpgsqlConnection listener, Channel<string> changes, CancellationToken ct)
    {
        // LISTEN first, then load: a change committed during the load is applied again afterwards, which is harmless.
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            engine.Load(await PolicyLoader.LoadAllAsync(db, ct));
        }
        _firstLoad.TrySetResult();
        logger.LogInformation("Policy engine loaded; listening for changes");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var apply = ApplyChangesAsync(changes.Reader, stop.Token);
        var wait = Hosting.DatabaseListener.WaitForeverAsync(listener, stop.Token);
        // Whichever fails first (lost connection, failed reload) ends both; the caller reconnects and reloads everything.
        var first = await Task.WhenAny(apply, wait);
        changes.Writer.TryComplete();
        await stop.CancelAsync();
        await first;
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

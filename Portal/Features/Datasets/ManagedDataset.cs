using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Features.Access;

namespace Portal.Features.Datasets;

/// <summary>What the caller must be to act on a dataset.</summary>
public enum DatasetNeed
{
    /// <summary>Owner or steward: read, refresh the schema, classify, set conditions and profile, preview.</summary>
    Manage,

    /// <summary>The owner only: stewards, shares, activation and withdrawal change who sees the data or whether it exists.</summary>
    Own,
}

/// <summary>
/// The caller and a dataset they manage. Who may do what is read from the database inside each operation:
/// the owner everything; a steward what <see cref="DatasetNeed.Manage"/> allows; anyone else gets 404 for a dataset
/// they may not see, so that existence does not leak.
/// </summary>
public sealed record ManagedDataset(User Me, Dataset Dataset, bool IsOwner)
{
    /// <summary>The caller and the dataset they manage (tracked, row-locked when inside a transaction), or why not.</summary>
    public static async Task<Outcome<ManagedDataset>> FindAsync(PortalDb db, Caller caller, Guid id, DatasetNeed need, string action, bool lockRow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        if (lockRow)
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM datasets WHERE id = {id} FOR UPDATE", ct);
        }
        var dataset = await db.Datasets.Include(d => d.Stewards).Include(d => d.Owner).SingleOrDefaultAsync(d => d.Id == id, ct);
        var myId = me.Value!.Id;
        if (dataset is null || (dataset.OwnerId != myId && dataset.Stewards.All(s => s.UserId != myId)))
        {
            return DatasetRefusals.NotFound;
        }
        var isOwner = dataset.OwnerId == myId;
        if (need == DatasetNeed.Own && !isOwner)
        {
            return DatasetRefusals.OwnerOnly(dataset, action);
        }
        return new ManagedDataset(me.Value, dataset, isOwner);
    }

    /// <summary>
    /// One change to a dataset the caller may manage: the row locked for a transaction that holds the change, its audit
    /// event and its notifications, all or nothing; once committed, e-mail delivery is woken and (when the engine reads
    /// what changed) this instance's policy engine is updated before the caller hears back.
    /// </summary>
    public static async Task<Outcome<T>> ChangeAsync<T>(DatasetServices services, Caller caller, Guid id, DatasetNeed need, string action,
        bool propagate, Func<PortalDb, ManagedDataset, Task<Outcome<T>>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(change);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var m = await FindAsync(db, caller, id, need, action, lockRow: true, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var outcome = await change(db, m.Value!);
        if (outcome.Failure is not null)
        {
            return outcome;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        if (propagate)
        {
            await PolicyNow.ApplyAsync(services, [$"dataset:{id}"], ct);
        }
        return outcome;
    }

    /// <summary>Saves; a second dataset of the same owner with the same name is a refusal, not a fault.</summary>
    public static async Task<Failure?> SaveNamedAsync(PortalDb db, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return DatasetRefusals.NameTaken(name);
        }
    }
}

/// <summary>
/// Share, steward, status and grant changes reach the policy engine through the database triggers every instance
/// listens to (PolicySync); this instance also applies them at once after the commit, so that a withdrawal is in
/// force before the owner's request returns.
/// </summary>
public static class PolicyNow
{
    /// <param name="keys">What changed, as the loader names it: "dataset:{id}", "grant:{id}".</param>
    public static async Task ApplyAsync(DatasetServices services, IReadOnlyList<string> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }
        try
        {
            await using var db = await services.Dbs.CreateDbContextAsync(ct);
            foreach (var key in keys)
            {
                await PolicyLoader.ApplyAsync(db, services.Engine, key, ct);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The NOTIFY path still applies it; log rather than fail a change that is committed.
            services.Logger.LogWarning("Could not apply {Keys} to the local policy engine at once: {Message}", keys, e.Message);
        }
    }
}

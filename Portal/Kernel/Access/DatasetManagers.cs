using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Kernel.Access;

/// <summary>
/// The manager check: the owner and the stewards of a dataset decide who may use it. Read from the database inside
/// the operation's transaction, so a decision sees the very rows it changes, not the policy engine's copy.
/// </summary>
public static class DatasetManagers
{
    public static readonly Failure DatasetNotFound = Failure.NotFound("access.dataset.not_found", "No such dataset.");

    public static Task<bool> IsManagerAsync(PortalDb db, Guid datasetId, Guid userId, CancellationToken ct) =>
        db.Datasets.AnyAsync(d => d.Id == datasetId && (d.OwnerId == userId || d.Stewards.Any(s => s.UserId == userId)), ct);

    /// <summary>
    /// The caller and the dataset, when the caller owns or stewards it; otherwise why not: 403 for someone who may see
    /// the dataset in a VO catalogue, <paramref name="notFound"/> (404) for everyone else, who may not even learn that it exists.
    /// </summary>
    public static async Task<Outcome<(User Me, Dataset Dataset)>> ManagerAsync(
        PortalDb db, Caller caller, Guid datasetId, string action, CancellationToken ct, Failure? notFound = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } f)
        {
            return f;
        }
        var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Id == datasetId, ct);
        if (dataset is null)
        {
            return notFound ?? DatasetNotFound;
        }
        if (await IsManagerAsync(db, datasetId, me.Value!.Id, ct))
        {
            return (me.Value, dataset);
        }
        return await InCatalogueOfAsync(db, dataset, me.Value.Id, ct)
            ? Failure.Forbidden("access.dataset.not_manager", $"Only the owner or a steward of \"{dataset.Name}\" may {action}.")
            : notFound ?? DatasetNotFound;
    }

    /// <summary>Whether the dataset is active and shared into a VO the user is an active member of.</summary>
    public static Task<bool> InCatalogueOfAsync(PortalDb db, Dataset dataset, Guid userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.Status != DatasetStatus.Active
            ? Task.FromResult(false)
            : db.DatasetShares.AnyAsync(s => s.DatasetId == dataset.Id && db.Memberships.Any(
                m => m.VoId == s.VoId && m.UserId == userId && m.Status == MembershipStatus.Active), ct);
    }

    /// <summary>Serializes requests, decisions and grants on one dataset. Call inside a transaction.</summary>
    public static Task LockAsync(PortalDb db, Guid datasetId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM datasets WHERE id = {datasetId} FOR UPDATE", ct);
}

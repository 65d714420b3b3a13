using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Notifications;

namespace Portal.Features.Datasets.Stewards;

/// <summary>
/// Owner: names a steward (a co-owner who may read, refresh the schema, classify, set conditions and preview).
/// The API names them by user id; the page by e-mail address (<see cref="ByEmailAsync"/>). Only an active portal user qualifies.
/// </summary>
public static class AddSteward
{
    public sealed record Input(Guid? UserId);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/stewards", EndpointAsync).WithName("AddDatasetSteward").WithSummary("Owner: name a steward.");

    private static async Task<Results<Ok<StewardView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Input? input, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null), ct)).OkOrProblem();

    public static Task<Outcome<StewardView>> HandleAsync(DatasetServices services, Caller caller, Guid id, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ManagedDataset.ChangeAsync<StewardView>(services, caller, id, DatasetNeed.Own, "change its stewards", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return DatasetRefusals.Withdrawn(d);
            }
            var user = input.UserId is { } uid ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == uid, ct) : null;
            if (user is null || user.Suspended)
            {
                return Failure.Invalid("dataset.steward.user_invalid", "userId", "userId must name an active user of this portal.");
            }
            if (user.Id == d.OwnerId)
            {
                return Failure.Invalid("dataset.steward.is_owner", "userId", "The owner is not their own steward.");
            }
            if (d.Stewards.Any(s => s.UserId == user.Id))
            {
                return Failure.Conflict("dataset.steward.duplicate", "userId", $"{user.DisplayName} already stewards \"{d.Name}\".");
            }
            var now = services.Time.GetUtcNow();
            db.DatasetStewards.Add(new DatasetSteward { DatasetId = id, UserId = user.Id, AddedById = m.Me.Id, AddedAt = now });
            d.UpdatedAt = now;
            services.Audit.Add(db, "dataset.steward_added", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { userId = user.Id });
            services.Notifications.Notify(db, Recipient.User(user.Id), "dataset.steward_added", $"You steward {d.Name}",
                $"{m.Me.DisplayName} made you a steward of the dataset \"{d.Name}\": you may classify it, set its conditions and preview it.",
                DatasetLinks.Dataset(id));
            return new StewardView(user.Id, user.DisplayName, now);
        }, ct);
    }

    /// <summary>The page's way: the steward's e-mail address, looked up among the portal's users.</summary>
    public static async Task<Outcome<StewardView>> ByEmailAsync(DatasetServices services, Caller caller, Guid id, string? email, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        var address = email?.Trim() ?? "";
        if (address.Length == 0)
        {
            return Failure.Invalid("dataset.steward.email_required", "email", "Enter the steward's e-mail address.");
        }
        Guid? user;
        await using (var db = await services.Dbs.CreateDbContextAsync(ct))
        {
            var me = await ManagedDataset.FindAsync(db, caller, id, DatasetNeed.Own, "change its stewards", lockRow: false, ct);
            if (me.Failure is { } denied)
            {
                return denied;
            }
#pragma warning disable CA1862 // EF translates ToLower() to SQL lower().
            var lowered = address.ToLowerInvariant();
            user = await db.Users.AsNoTracking().Where(u => u.Email != null && u.Email.ToLower() == lowered).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
#pragma warning restore CA1862
        }
        if (user is null)
        {
            return Failure.Invalid("dataset.steward.email_unknown", "email", $"No user of this portal has the address {address}; they must sign in once first.");
        }
        return await HandleAsync(services, caller, id, new Input(user), ct);
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Owner;

/// <summary>Metadata: the full view for owner and stewards; the public part for live members of a VO an active dataset is shared into.</summary>
public static class GetDataset
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}", EndpointAsync).WithName("GetDataset")
            .WithSummary("Metadata: in full for owner and stewards, the public part for members of a VO it is shared into.");

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, ct)).OkOrProblem();

    public static async Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var myId = me.Value!.Id;
        var d = await db.Datasets.AsNoTracking().Include(x => x.Owner).Include(x => x.Stewards).ThenInclude(s => s.User)
            .SingleOrDefaultAsync(x => x.Id == id, ct);
        if (d is null)
        {
            return DatasetRefusals.NotFound;
        }
        if (d.OwnerId == myId || d.Stewards.Any(s => s.UserId == myId))
        {
            return DatasetProjection.View(d, myId, manage: true, await DatasetProjection.SharesAsync(db, id, ct));
        }
        var live = db.Memberships.Where(Membership.ActiveAt(services.Time.GetUtcNow()));
        var visible = d.Status == DatasetStatus.Active && await db.DatasetShares.AnyAsync(s => s.DatasetId == id && s.Vo!.ArchivedAt == null
            && live.Any(m => m.VoId == s.VoId && m.UserId == myId), ct);
        return visible ? DatasetProjection.View(d, myId, manage: false) : DatasetRefusals.NotFound;
    }
}

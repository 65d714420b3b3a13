using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Notifications;

namespace Portal.Features.Datasets.Sharing;

/// <summary>Takes the dataset out of a VO's catalogue: its owner may, and so may a live admin of that VO (their catalogue, their call).</summary>
public static class UnshareDataset
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapDelete("/{id:guid}/shares/{voId:guid}", EndpointAsync).WithName("UnshareDataset")
            .WithSummary("Owner or the VO's admin: take it out of that VO's catalogue.");

    private static async Task<Results<NoContent, ProblemHttpResult>> EndpointAsync(
        Guid id, Guid voId, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, voId, ct)).NoContentOrProblem();

    public static async Task<Outcome<Done>> HandleAsync(DatasetServices services, Caller caller, Guid id, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var share = await db.DatasetShares.Include(s => s.Dataset).ThenInclude(x => x!.Stewards)
            .SingleOrDefaultAsync(s => s.DatasetId == id && s.VoId == voId, ct);
        var d = share?.Dataset ?? await db.Datasets.Include(x => x.Stewards).SingleOrDefaultAsync(x => x.Id == id, ct);
        var myId = me.Value!.Id;
        var isOwner = d?.OwnerId == myId;
        var isVoAdmin = VoAccess.IsLiveAdmin(await VoAccess.MembershipAsync(db, voId, myId, ct), now);
        if (d is null || (!isOwner && !isVoAdmin && d.Stewards.All(s => s.UserId != myId)))
        {
            return DatasetRefusals.NotFound;
        }
        if (!isOwner && !isVoAdmin)
        {
            return Failure.Forbidden("dataset.unshare.forbidden",
                $"Only the owner of \"{d.Name}\" or an admin of the virtual organization may take it out of a catalogue.");
        }
        if (share is null)
        {
            return Failure.NotFound("dataset.share.not_found", "The dataset is not in that virtual organization's catalogue.");
        }
        db.DatasetShares.Remove(share);
        d.UpdatedAt = now;
        services.Audit.Add(db, "dataset.unshared", AuditOutcome.Success, caller.Actor, voId: voId, datasetId: id, details: new { by = isOwner ? "owner" : "vo-admin" });
        if (!isOwner)
        {
            services.Notifications.Notify(db, Recipient.User(d.OwnerId), "dataset.unshared", $"{d.Name} was taken out of a catalogue",
                $"{me.Value.DisplayName}, an admin of the virtual organization, took \"{d.Name}\" out of its catalogue.", DatasetLinks.Dataset(id));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        await PolicyNow.ApplyAsync(services, [$"dataset:{id}"], ct);
        return default(Done);
    }
}

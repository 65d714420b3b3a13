using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Sharing;

/// <summary>Lists the dataset in a VO's catalogue; the owner must be a live member of that VO. Owner only.</summary>
public static class ShareDataset
{
    public sealed record Input(Guid? VoId);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/shares", EndpointAsync).WithName("ShareDataset")
            .WithSummary("Owner: list it in the catalogue of a VO you are a member of.");

    private static async Task<Results<Ok<ShareView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Input? input, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null), ct)).OkOrProblem();

    public static Task<Outcome<ShareView>> HandleAsync(DatasetServices services, Caller caller, Guid id, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ManagedDataset.ChangeAsync<ShareView>(services, caller, id, DatasetNeed.Own, "share it", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return DatasetRefusals.Withdrawn(d);
            }
            if (input.VoId is not { } voId)
            {
                return Failure.Invalid("dataset.share.vo_required", "voId", "voId is required.");
            }
            var vo = await VoAccess.VoAsync(db, voId, ct);
            if (vo.Failure is { } missing)
            {
                return missing;
            }
            var now = services.Time.GetUtcNow();
            if (!VoAccess.IsLive(await VoAccess.MembershipAsync(db, voId, m.Me.Id, ct), now))
            {
                return Failure.Forbidden("dataset.share.not_member",
                    $"You can only share into a virtual organization you are a member of, and you are not a member of \"{vo.Value!.Name}\".");
            }
            if (await db.DatasetShares.AnyAsync(s => s.DatasetId == id && s.VoId == voId, ct))
            {
                return Failure.Conflict("dataset.share.duplicate", "voId", $"\"{d.Name}\" is already in the catalogue of \"{vo.Value!.Name}\".");
            }
            db.DatasetShares.Add(new DatasetShare { DatasetId = id, VoId = voId, SharedById = m.Me.Id, SharedAt = now });
            d.UpdatedAt = now;
            services.Audit.Add(db, "dataset.shared", AuditOutcome.Success, caller.Actor, voId: voId, datasetId: id, details: new { vo = vo.Value!.Name });
            return new ShareView(voId, vo.Value.Name, now);
        }, ct);
    }
}

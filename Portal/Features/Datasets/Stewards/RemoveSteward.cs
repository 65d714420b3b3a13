using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.Datasets.Stewards;

/// <summary>Owner: removes a steward, who is told.</summary>
public static class RemoveSteward
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapDelete("/{id:guid}/stewards/{userId:guid}", EndpointAsync).WithName("RemoveDatasetSteward").WithSummary("Owner: remove a steward.");

    private static async Task<Results<NoContent, ProblemHttpResult>> EndpointAsync(
        Guid id, Guid userId, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, userId, ct)).NoContentOrProblem();

    public static Task<Outcome<Done>> HandleAsync(DatasetServices services, Caller caller, Guid id, Guid userId, CancellationToken ct) =>
        ManagedDataset.ChangeAsync<Done>(services, caller, id, DatasetNeed.Own, "change its stewards", propagate: true, (db, m) =>
        {
            var d = m.Dataset;
            var steward = d.Stewards.FirstOrDefault(s => s.UserId == userId);
            if (steward is null)
            {
                return Task.FromResult<Outcome<Done>>(Failure.NotFound("dataset.steward.not_found", "That person does not steward this dataset."));
            }
            db.DatasetStewards.Remove(steward);
            d.UpdatedAt = services.Time.GetUtcNow();
            services.Audit.Add(db, "dataset.steward_removed", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { userId });
            services.Notifications.Notify(db, Recipient.User(userId), "dataset.steward_removed", $"You no longer steward {d.Name}",
                $"{m.Me.DisplayName} removed you as a steward of the dataset \"{d.Name}\".", null);
            return Task.FromResult<Outcome<Done>>(default(Done));
        }, ct);
}

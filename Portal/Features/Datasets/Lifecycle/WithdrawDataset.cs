using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Notifications;

namespace Portal.Features.Datasets.Lifecycle;

/// <summary>Withdraws the dataset for good, with a reason: every grant stops working at once. Owner only.</summary>
public static class WithdrawDataset
{
    public sealed record Input(string? Reason);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/withdraw", EndpointAsync).WithName("WithdrawDataset")
            .WithSummary("Owner: withdraw with a reason; every grant stops at once.");

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Input? input, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null), ct)).OkOrProblem();

    public static Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Guid id, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ManagedDataset.ChangeAsync<DatasetView>(services, caller, id, DatasetNeed.Own, "withdraw it", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            var checkedReason = TextRules.Reason(input.Reason, "grantees and auditors are told");
            if (checkedReason.Failure is { } badReason)
            {
                return badReason;
            }
            var why = checkedReason.Value!;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return Failure.Conflict("dataset.withdraw.already_withdrawn", "status", $"\"{d.Name}\" is already withdrawn.");
            }
            var now = services.Time.GetUtcNow();
            d.Status = DatasetStatus.Withdrawn;
            d.WithdrawnAt = now;
            d.WithdrawalReason = why;
            d.UpdatedAt = now;
            services.Audit.Add(db, "dataset.withdrawn", AuditOutcome.Success, caller.Actor, datasetId: id, reason: "dataset.withdrawn", details: new { reason = why });
            // Everyone a live grant covers, through a VO, role or institution too: they all lose access now.
            var live = await db.Grants.AsNoTracking().Where(g => g.DatasetId == id && g.RevokedAt == null && g.ValidUntil > now).ToListAsync(ct);
            var covered = (await GrantCoverage.CoverageAsync(db, live, now, ct)).Select(c => c.UserId);
            foreach (var user in covered.Concat(d.Stewards.Select(s => s.UserId)).Distinct())
            {
                services.Notifications.Notify(db, Recipient.User(user), "dataset.withdrawn", $"{d.Name} was withdrawn",
                    $"The owner withdrew the dataset \"{d.Name}\": {why}", null);
            }
            return await DatasetProjection.ManagedViewAsync(db, m, ct);
        }, ct);
    }
}

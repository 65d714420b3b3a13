using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Owner;

/// <summary>The caller's own and stewarded datasets, by name.</summary>
public static class ListMyDatasets
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/", EndpointAsync).WithName("ListMyDatasets").WithSummary("Datasets you own or steward, by name (?page, &pageSize).");

    private static async Task<Results<Ok<PageOf<MyDatasetRow>>, ProblemHttpResult>> EndpointAsync(
        int? page, int? pageSize, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : (await HandleAsync(services, caller, paging.Value, ct)).OkOrProblem();
    }

    public static async Task<Outcome<PageOf<MyDatasetRow>>> HandleAsync(DatasetServices services, Caller caller, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var myId = me.Value!.Id;
        var mine = db.Datasets.AsNoTracking().Where(d => d.OwnerId == myId || d.Stewards.Any(s => s.UserId == myId));
        var total = await mine.CountAsync(ct);
        var page = await mine.OrderBy(d => d.Name).ThenBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var rows = page.Select(d => new MyDatasetRow(d.Id, d.Name, d.Status.ToString(), d.OwnerId == myId ? "Owner" : "Steward", DatasetRules.DuoText(d.DataUse),
            d.Columns.Count, d.Columns.Count(c => c.Classification == ColumnClass.Unclassified), d.UpdatedAt)).ToList();
        return new PageOf<MyDatasetRow>(rows, paging.Page, paging.PageSize, total);
    }
}

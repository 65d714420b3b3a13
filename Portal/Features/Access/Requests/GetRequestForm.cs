using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Access.Requests;

/// <summary>The request form's facts: only for datasets the caller can find in a live VO's catalogue.</summary>
public static class GetRequestForm
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/form/{datasetId:guid}", Endpoint).WithName("GetAccessRequestForm")
            .WithSummary("What the request form shows for a dataset: data use conditions, columns, terms of use and their version.");

    private static async Task<Results<Ok<RequestFormView>, ProblemHttpResult>> Endpoint(
        Guid datasetId, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, datasetId, ct)).OkOr();

    public static async Task<Outcome<RequestFormView>> HandleAsync(AccessServices services, Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var visible = await RequestRules.VisibleAsync(db, me.Value!, datasetId, services.Time.GetUtcNow(), ct);
        if (visible.Failure is { } hidden)
        {
            return hidden;
        }
        var (d, vos) = visible.Value;
        return new RequestFormView(d.Id, d.Name, d.Description, RequestRules.DataUseText(d.DataUse), RequestRules.RequiresEthics(d),
            [.. d.Columns.Select(c => c.Name)], d.TermsOfUse, d.TermsVersion, vos);
    }
}

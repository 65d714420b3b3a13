using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Sites.Agents;

/// <summary>The caller's site agents: last contact, version, whether online, and the datasets each serves.</summary>
public static class ListMyAgents
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder sites) =>
        sites.MapGet("/agents", Endpoint).WithName("ListMySiteAgents").WithSummary("The caller's site agents, with last contact and the datasets each serves.");

    private static async Task<Results<Ok<IReadOnlyList<AgentView>>, ProblemHttpResult>> Endpoint(
        Caller caller, [AsParameters] SitesServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<IReadOnlyList<AgentView>>> HandleAsync(SitesServices services, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } refused)
        {
            return refused;
        }
        var owner = me.Value!.Id;
        var agents = await db.SiteAgents.AsNoTracking().Where(a => a.OwnerId == owner).OrderBy(a => a.Name).ToListAsync(ct);
        return await AgentViews.OfAsync(db, agents, services.Time.GetUtcNow(), ct);
    }
}

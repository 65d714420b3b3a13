using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Sites.Agents;

/// <summary>A portal dataset served by an agent: its id and name here, and its name in the site's policy.</summary>
public sealed record AgentDataset(Guid Id, string Name, string Status, string? SiteDataset);

/// <summary>An agent as its owner sees it. Online means the link heard from it within the last minute.</summary>
public sealed record AgentView(Guid Id, string Name, string Fingerprint, string? Version, string? HostName, DateTimeOffset EnrolledAt,
    DateTimeOffset? LastContactAt, bool Online, DateTimeOffset? DisabledAt, IReadOnlyList<AgentDataset> Datasets, IReadOnlyList<string> SiteDatasets);

internal static class AgentViews
{
    /// <summary>The link writes last contact at connect and at every heartbeat, well within this.</summary>
    public static readonly TimeSpan OnlineWithin = TimeSpan.FromSeconds(60);

    public static readonly Failure UnknownAgent = Failure.NotFound("site.agent.unknown", "No such site agent.");

    /// <summary>The views of these agents, with the portal datasets each serves, in one query for the datasets.</summary>
    public static async Task<List<AgentView>> OfAsync(PortalDb db, IReadOnlyList<SiteAgent> agents, DateTimeOffset now, CancellationToken ct)
    {
        var ids = agents.Select(a => a.Id).ToList();
        // Every dataset that names the agent, whoever registered it: its owner answers for what her site serves.
        var datasets = await db.Datasets.AsNoTracking()
            .Where(d => d.Connector.AgentId != null && ids.Contains(d.Connector.AgentId.Value))
            .OrderBy(d => d.Name)
            .Select(d => new { AgentId = d.Connector.AgentId ?? Guid.Empty, d.Id, d.Name, d.Status, d.Connector.SiteDataset })
            .ToListAsync(ct);
        var byAgent = datasets.ToLookup(d => d.AgentId, d => new AgentDataset(d.Id, d.Name, d.Status.ToString(), d.SiteDataset));
        return [.. agents.Select(a => new AgentView(a.Id, a.Name, a.Fingerprint, a.Version, a.HostName, a.EnrolledAt, a.LastContactAt,
            IsOnline(a, now), a.DisabledAt, [.. byAgent[a.Id]], [.. a.SiteDatasets]))];
    }

    public static bool IsOnline(SiteAgent a, DateTimeOffset now) =>
        a.DisabledAt is null && a.LastContactAt is { } last && now - last <= OnlineWithin;

    /// <summary>One of the caller's agents, tracked for a change; someone else's is as absent as one that never was.</summary>
    public static async Task<Outcome<(User Me, SiteAgent Agent)>> MineAsync(PortalDb db, Caller caller, Guid id, CancellationToken ct)
    {
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } refused)
        {
            return refused;
        }
        var owner = me.Value!.Id;
        var agent = await db.SiteAgents.SingleOrDefaultAsync(a => a.Id == id && a.OwnerId == owner, ct);
        return agent is null ? UnknownAgent : (me.Value, agent);
    }
}

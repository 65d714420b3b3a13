namespace Portal.Features.Sites.Agents;

/// <summary>Disabling and enabling differ only in the direction: one place sets disabled_at and audits the change.</summary>
internal static class AgentSwitch
{
    public static async Task<Outcome<AgentView>> SetAsync(SitesServices services, Caller caller, Guid id, bool disable, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var mine = await AgentViews.MineAsync(db, caller, id, ct);
        if (mine.Failure is { } refused)
        {
            return refused;
        }
        var agent = mine.Value.Agent;
        var now = services.Time.GetUtcNow();
        if (agent.DisabledAt is null == disable)
        {
            agent.DisabledAt = disable ? now : null;
            services.Audit.Add(db, disable ? "site.agent.disabled" : "site.agent.enabled", AuditOutcome.Success, caller.Actor,
                details: new { agentId = agent.Id, agent.Name, agent.Fingerprint });
            await db.SaveChangesAsync(ct);
        }
        return (await AgentViews.OfAsync(db, [agent], now, ct))[0];
    }
}

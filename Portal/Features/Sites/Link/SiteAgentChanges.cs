using Npgsql;

namespace Portal.Features.Sites.Link;

/// <summary>
/// Ends the session of an agent disabled on any instance: a trigger NOTIFYs site_agent_changes with the agent's id and
/// every instance LISTENs. While the listening connection is down nothing is missed for long: a reconnecting agent is
/// checked against the database at its handshake, and the listener, once back, ends every session it holds whose
/// agent is disabled.
/// </summary>
public sealed class SiteAgentChanges(AgentSessions sessions, IConfiguration configuration, ILogger<SiteAgentChanges> logger) : BackgroundService
{
    public const string ChannelName = "site_agent_changes";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Hosting.DatabaseListener.RunAsync(configuration, "portal-site-agents", ChannelName, logger,
            e =>
            {
                if (Guid.TryParse(e.Payload, out var agentId))
                {
                    EndIfDisabled([agentId]);
                }
            },
            async (listener, ct) =>
            {
                // Disabled while this instance was not listening: those sessions end now.
                EndIfDisabled([.. sessions.AgentIds]);
                await Hosting.DatabaseListener.WaitForeverAsync(listener, ct);
            }, stoppingToken);

    private void EndIfDisabled(Guid[] agentIds)
    {
        if (agentIds.Length == 0)
        {
            return;
        }
        // The notification says only which agent changed; an enable also notifies and must end nothing. Whether it is
        // disabled now is asked on a pooled connection (the listener's is busy waiting).
        _ = Task.Run(async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(Hosting.DatabaseConnectivity.RequireConnectionString(configuration));
                await connection.OpenAsync();
                // Removed rows are missing from the answer: they count as disabled.
                await using var query = new NpgsqlCommand("SELECT id FROM site_agents WHERE id = ANY($1) AND disabled_at IS NULL", connection);
                query.Parameters.Add(new NpgsqlParameter { Value = agentIds });
                var enabled = new HashSet<Guid>();
                await using (var reader = await query.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        enabled.Add(reader.GetGuid(0));
                    }
                }
                foreach (var agentId in agentIds.Where(a => !enabled.Contains(a)))
                {
                    sessions.End(agentId, "site.agent.disabled");
                    logger.LogInformation("Agent {AgentId} disabled (or removed): its session here ended", agentId);
                }
            }
            catch (NpgsqlException e)
            {
                // Fail closed: an agent whose state cannot be read loses its session; it reconnects and is checked.
                foreach (var agentId in agentIds)
                {
                    sessions.End(agentId, "site.agent.disabled");
                }
                logger.LogWarning("Agents changed but their state could not be read ({Message}): their sessions ended", e.Message);
            }
        });
    }
}

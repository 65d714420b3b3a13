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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
            {
                logger.LogWarning("Site agent changes: lost the database ({Message}); retrying in {Delay}", e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(Hosting.DatabaseConnectivity.RequireConnectionString(configuration))
        {
            KeepAlive = 5,
            Pooling = false,
            ApplicationName = "portal-site-agents",
        };
        await using var listener = new NpgsqlConnection(csb.ConnectionString);
        listener.Notification += (_, e) =>
        {
            if (Guid.TryParse(e.Payload, out var agentId))
            {
                EndIfDisabled([agentId]);
            }
        };
        await listener.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", listener))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }
        // Disabled while this instance was not listening: those sessions end now.
        EndIfDisabled([.. sessions.AgentIds]);
        while (!ct.IsCancellationRequested)
        {
            await listener.WaitAsync(ct);
        }
    }

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

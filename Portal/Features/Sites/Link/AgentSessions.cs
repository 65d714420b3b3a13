using System.Collections.Concurrent;

namespace Portal.Features.Sites.Link;

/// <summary>
/// The agents connected to this instance. An agent has at most one session: a newer connection (a reconnect after a
/// network cut the old one without either side noticing) replaces the older one.
/// </summary>
public sealed class AgentSessions
{
    private readonly ConcurrentDictionary<Guid, AgentSession> _sessions = new();

    public int Count => _sessions.Count;

    public ICollection<Guid> AgentIds => _sessions.Keys;

    public bool IsConnected(Guid agentId) => _sessions.ContainsKey(agentId);

    public AgentSession? Find(Guid agentId) => _sessions.GetValueOrDefault(agentId);

    public void Add(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        AgentSession? previous = null;
        _sessions.AddOrUpdate(session.AgentId, session, (_, old) =>
        {
            previous = old;
            return session;
        });
        previous?.End("site.agent.reconnected");
    }

    public void Remove(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions.TryRemove(new KeyValuePair<Guid, AgentSession>(session.AgentId, session));
    }

    /// <summary>Ends the agent's session here, if it has one (it was disabled on some instance).</summary>
    public void End(Guid agentId, string reason)
    {
        if (_sessions.TryRemove(agentId, out var session))
        {
            session.End(reason);
        }
    }

    /// <summary>The open order with this id on any session, and its session.</summary>
    public (AgentSession Session, PendingOrder Order)? FindOrder(string orderId)
    {
        foreach (var session in _sessions.Values)
        {
            if (session.Orders.TryGetValue(orderId, out var order))
            {
                return (session, order);
            }
        }
        return null;
    }
}

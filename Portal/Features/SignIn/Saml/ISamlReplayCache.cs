using System.Collections.Concurrent;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Remembers assertion IDs until they expire, shared by every portal instance (the portal implements it on
/// PostgreSQL with a unique key on (issuer, assertion id) and an insert that reports a conflict).
/// </summary>
public interface ISamlReplayCache
{
    /// <summary>Records the assertion; false when it was already recorded and has not expired (a replay).</summary>
    Task<bool> TryRemember(string assertionId, string issuer, DateTimeOffset notOnOrAfter, CancellationToken cancellationToken);
}

/// <summary>A single-process replay cache for tests and a one-instance development run.</summary>
public sealed class InMemorySamlReplayCache(TimeProvider time) : ISamlReplayCache
{
    private readonly ConcurrentDictionary<(string Issuer, string Id), DateTimeOffset> _seen = new();

    public int Count => _seen.Count;

    public Task<bool> TryRemember(string assertionId, string issuer, DateTimeOffset notOnOrAfter, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var entry in _seen)
        {
            if (entry.Value <= now)
            {
                _seen.TryRemove(entry);
            }
        }
        return Task.FromResult(_seen.TryAdd((issuer, assertionId), notOnOrAfter));
    }
}

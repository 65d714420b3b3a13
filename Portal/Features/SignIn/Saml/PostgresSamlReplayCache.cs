using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.SignIn.Saml;

/// <summary>The replay cache in PostgreSQL: one primary key decides, atomically, across all instances.</summary>
public sealed class PostgresSamlReplayCache(IDbContextFactory<PortalDb> dbs, TimeProvider time) : ISamlReplayCache
{
    public async Task<bool> TryRemember(string assertionId, string issuer, DateTimeOffset notOnOrAfter, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        // Expired entries can go: an assertion past its NotOnOrAfter is refused as expired anyway.
        await db.Database.ExecuteSqlAsync(
            $"DELETE FROM saml_replay WHERE ctid IN (SELECT ctid FROM saml_replay WHERE expires_at < {now} LIMIT 100)", cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO saml_replay (issuer, assertion_id, expires_at) VALUES ({issuer}, {assertionId}, {notOnOrAfter}) ON CONFLICT DO NOTHING",
            cancellationToken);
        return inserted == 1;
    }
}

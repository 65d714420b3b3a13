using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Features.Audit;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Audit;

/// <summary>The audit log is append-only and hash-chained by the database; the verifier names the first broken event.</summary>
public sealed class AuditChainTests
{
    private static async Task<(PortalFactory Portal, List<long> Ids)> PortalWithEventsAsync(int count)
    {
        var portal = new PortalFactory();
        await ((IAsyncLifetime)portal).InitializeAsync();
        var audit = portal.Services.GetRequiredService<AuditLog>();
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            await using var db = portal.CreateDb();
            var e = audit.Add(db, "test.event", AuditOutcome.Success, new AuditActor(null, $"actor {i} | with a pipe", "127.0.0.1"),
                reason: i % 2 == 0 ? null : "some.reason", details: new { n = i, text = "ü and \"quotes\"" });
            await db.SaveChangesAsync();
            ids.Add(e.Id);
        }
        return (portal, ids);
    }

    private static async Task<AuditChainVerifier.Result> VerifyAsync(PortalFactory portal)
    {
        await using var conn = new NpgsqlConnection(portal.ConnectionString);
        await conn.OpenAsync();
        return await AuditChainVerifier.VerifyAsync(conn, CancellationToken.None);
    }

    private static async Task AsSuperuserWithoutTriggersAsync(PortalFactory portal, string sql, long id)
    {
        await using var conn = new NpgsqlConnection(portal.ConnectionString);
        await conn.OpenAsync();
        // What an attacker with the database's superuser can do: switch triggers off and rewrite history.
        await using var cmd = new NpgsqlCommand($"SET session_replication_role = replica; {sql}; SET session_replication_role = origin;", conn);
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_untouched_log_verifies()
    {
        var (portal, _) = await PortalWithEventsAsync(20);
        await using var _ = portal;
        var result = await VerifyAsync(portal);
        Assert.True(result.Intact, result.Message);
        Assert.Equal(20, result.Events);
    }

    [Fact]
    public async Task The_portals_role_cannot_update_or_delete_an_event()
    {
        var (portal, ids) = await PortalWithEventsAsync(3);
        await using var _ = portal;
        await using var db = portal.CreateDb();
        var update = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE audit_events SET reason = 'covered up' WHERE id = {ids[1]}"));
        Assert.Contains("append-only", update.MessageText, StringComparison.Ordinal);
        var delete = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"DELETE FROM audit_events WHERE id = {ids[1]}"));
        Assert.Contains("append-only", delete.MessageText, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE audit_events"));
        Assert.Equal(3, await db.AuditEvents.CountAsync());
    }

    [Theory]
    [InlineData("UPDATE audit_events SET reason = 'covered up' WHERE id = @id", "altered")]
    [InlineData("UPDATE audit_events SET actor_name = 'someone else' WHERE id = @id", "altered")]
    [InlineData("UPDATE audit_events SET details = '{\"n\": 999}' WHERE id = @id", "altered")]
    [InlineData("UPDATE audit_events SET occurred_at = occurred_at - interval '1 day' WHERE id = @id", "altered")]
    [InlineData("DELETE FROM audit_events WHERE id = @id", "deleted")]
    public async Task Tampering_as_superuser_is_reported_at_the_exact_event(string tamper, string word)
    {
        var (portal, ids) = await PortalWithEventsAsync(10);
        await using var _ = portal;
        var victim = ids[4];
        await AsSuperuserWithoutTriggersAsync(portal, tamper, victim);

        var result = await VerifyAsync(portal);

        Assert.False(result.Intact);
        var expectedEvent = tamper.StartsWith("DELETE", StringComparison.Ordinal) ? ids[5] : victim;
        Assert.Equal(expectedEvent, result.BrokenEventId);
        Assert.Contains(word, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recomputing_the_hash_after_an_edit_is_caught_by_the_next_link()
    {
        var (portal, ids) = await PortalWithEventsAsync(6);
        await using var _ = portal;
        await AsSuperuserWithoutTriggersAsync(portal,
            $"UPDATE audit_events e SET reason = 'covered up' WHERE id = @id; " +
            $"UPDATE audit_events e SET hash = sha256(e.previous_hash || convert_to({AuditChainSql.Canonical}, 'UTF8')) WHERE id = @id", ids[2]);

        var result = await VerifyAsync(portal);

        Assert.False(result.Intact);
        Assert.Equal(ids[3], result.BrokenEventId);
    }

    [Fact]
    public async Task Concurrent_appends_from_two_hosts_form_one_valid_chain_and_lose_nothing()
    {
        await using var a = new PortalFactory();
        await ((IAsyncLifetime)a).InitializeAsync();
        await using var b = new SecondHostFactory(a.ConnectionString);
        await ((IAsyncLifetime)b).InitializeAsync();

        async Task AppendAsync(PortalFactory host, int n)
        {
            var audit = host.Services.GetRequiredService<AuditLog>();
            for (var i = 0; i < n; i++)
            {
                await using var db = host.CreateDb();
                audit.Add(db, "load.event", AuditOutcome.Success, AuditActor.System, details: new { i });
                await db.SaveChangesAsync();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 10).Select(w => AppendAsync(w % 2 == 0 ? a : b, 100)));

        var result = await VerifyAsync(a);
        Assert.True(result.Intact, result.Message);
        Assert.Equal(1000, result.Events);
    }
}

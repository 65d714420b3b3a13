using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access;

/// <summary>Two portal hosts on one database: a change made through either is in force on the other within a second.</summary>
public sealed class TwoHosts : IAsyncLifetime
{
    public DemoPortalFactory A { get; } = new();
    public PortalFactory B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)A).InitializeAsync();
        B = new SecondHostFactory(A.ConnectionString);
        await ((IAsyncLifetime)B).InitializeAsync();
        await A.PolicyLoadedAsync();
        await B.PolicyLoadedAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)B).DisposeAsync();
        await ((IAsyncLifetime)A).DisposeAsync();
    }
}

public sealed class PolicyPropagationTests(TwoHosts hosts) : IClassFixture<TwoHosts>
{
    private static readonly Uri BobExplain = new($"/api/datasets/{DemoSeed.PatientsDataset}/access/explain?purpose=DS:HIV&ethics=IRB-1", UriKind.Relative);

    [Fact]
    public async Task A_revocation_on_one_host_denies_on_the_other_within_a_second_and_a_new_grant_permits()
    {
        using var onB = hosts.B.CreateBrowserClient();
        await DemoSession.SignInAsync(onB, DemoSeed.Bob);
        Assert.Equal("Permit", await DecisionAsync(onB));

        // Revoked through host A's database context, as the grants feature will do.
        await using (var db = hosts.A.CreateDb())
        {
            var grant = await db.Grants.FindAsync(DemoSeed.BobPatientsGrant);
            grant!.RevokedAt = hosts.A.Clock.GetUtcNow();
            grant.RevokedById = DemoSeed.Alice;
            grant.RevocationReason = "test";
            await db.SaveChangesAsync();
        }
        var revokedAfter = await TimeUntilAsync(onB, "Deny");
        Assert.True(revokedAfter < TimeSpan.FromSeconds(1), $"host B still permitted {revokedAfter.TotalMilliseconds} ms after the revocation");

        // Any writer counts, not only the portal: an operator's SQL restoring the grant is seen too.
        await using (var conn = new NpgsqlConnection(hosts.A.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE grants SET revoked_at = NULL, revoked_by_id = NULL WHERE id = @id", conn);
            cmd.Parameters.AddWithValue("id", DemoSeed.BobPatientsGrant);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        var restoredAfter = await TimeUntilAsync(onB, "Permit");
        Assert.True(restoredAfter < TimeSpan.FromSeconds(1), $"host B still denied {restoredAfter.TotalMilliseconds} ms after the change");
    }

    [Fact]
    public async Task Suspending_a_user_on_one_host_denies_them_on_the_other()
    {
        using var onA = hosts.A.CreateBrowserClient();
        await DemoSession.SignInAsync(onA, DemoSeed.Dave);
        var explain = new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/access/explain?action=view", UriKind.Relative);
        Assert.Equal("Permit", (await onA.GetFromJsonAsync<JsonElement>(explain)).GetProperty("decision").GetString());

        await using (var db = hosts.B.CreateDb())
        {
            var dave = await db.Users.FindAsync(DemoSeed.Dave);
            dave!.Suspended = true;
            dave.SuspendedAt = hosts.B.Clock.GetUtcNow();
            await db.SaveChangesAsync();
        }
        var sw = Stopwatch.StartNew();
        JsonElement body;
        do
        {
            body = await onA.GetFromJsonAsync<JsonElement>(explain);
        }
        while (body.GetProperty("decision").GetString() != "Deny" && sw.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"{sw.Elapsed.TotalMilliseconds} ms");
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "subject.suspended");
    }

    private static async Task<string?> DecisionAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>(BobExplain)).GetProperty("decision").GetString();

    private static async Task<TimeSpan> TimeUntilAsync(HttpClient client, string decision)
    {
        var sw = Stopwatch.StartNew();
        while (await DecisionAsync(client) != decision)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"still not {decision} after 5 s");
            await Task.Delay(10);
        }
        return sw.Elapsed;
    }
}

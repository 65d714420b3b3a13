using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Operations;

/// <summary>The portal on a database reached through a relay the test can cut, as a PostgreSQL restart does.</summary>
public sealed class OutagePortalFactory : PortalFactory
{
    private readonly TestDatabase _database;

    public OutagePortalFactory() : this(TestDatabase.Create("outage"))
    {
    }

    private OutagePortalFactory(TestDatabase database) : this(database, new TcpRelay(database.ConnectionString))
    {
    }

    private OutagePortalFactory(TestDatabase database, TcpRelay relay) : base(relay.ConnectionString)
    {
        _database = database;
        Relay = relay;
    }

    public TcpRelay Relay { get; }

    protected override bool SeedDemo => true;

    protected override async Task DisposeExtrasAsync()
    {
        Relay.Dispose();
        await _database.DisposeAsync();
    }
}

/// <summary>
/// While PostgreSQL is unreachable the portal answers 503 (a problem under /api, plain text on pages) with Retry-After,
/// never a 500 or a stack trace; once it is back the same requests succeed without a restart.
/// </summary>
public sealed class DatabaseOutageTests(OutagePortalFactory portal) : IClassFixture<OutagePortalFactory>
{
    private static readonly Uri Me = new("/api/me", UriKind.Relative);
    private static readonly string[] ReadScope = ["catalogue:read"];

    private async Task<HttpClient> ScriptAsync()
    {
        await portal.PolicyLoadedAsync();
        using var browser = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(browser, DemoSeed.Bob);
        using var created = await browser.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = "outage", scopes = ReadScope, expiresInDays = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString();
        var script = portal.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return script;
    }

    [Fact]
    public async Task An_unreachable_database_is_a_503_problem_and_the_portal_recovers_by_itself()
    {
        using var script = await ScriptAsync();
        using (var before = await script.GetAsync(Me))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        portal.Relay.Cut();
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var api = await script.GetAsync(Me);
            var body = await api.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(api.Headers.RetryAfter);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);

            using var ready = await script.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

            using var page = await script.GetAsync(new Uri("/", UriKind.Relative));
            var text = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        }
        finally
        {
            portal.Relay.Restore();
            // A connection returned to the pool between the cut and the clear would be dead now.
            NpgsqlConnection.ClearAllPools();
        }

        using var after = await script.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}

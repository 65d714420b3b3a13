using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Features.Tokens;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Tokens;

/// <summary>Personal API tokens: made in a browser session, used by scripts, limited by scope and time, revocable.</summary>
public sealed class TokenApiTests(HospitalPortalFactory portal) : IClassFixture<HospitalPortalFactory>
{
    private static readonly Uri Tokens = new("/api/tokens", UriKind.Relative);
    private static readonly string[] ExportOnly = ["data:export"];
    private static readonly Uri Me = new("/api/me", UriKind.Relative);
    private static readonly Uri Export = new($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=IRB-1", UriKind.Relative);

    private async Task<(string Value, Guid Id)> CreateAsync(Guid user, string[] scopes, int days = 30)
    {
        await portal.PolicyLoadedAsync();
        using var browser = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(browser, user);
        using var response = await browser.PostAsJsonAsync(Tokens, new { name = "laptop script", scopes, expiresInDays = days });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("value").GetString()!, body.GetProperty("token").GetProperty("id").GetGuid());
    }

    private HttpClient Script(string token)
    {
        var client = portal.CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> ProblemCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString()! : "";
    }

    [Fact]
    public async Task A_token_is_shown_once_stored_as_a_hash_and_works_as_its_owner()
    {
        var (value, id) = await CreateAsync(DemoSeed.Bob, ["catalogue:read"]);
        Assert.StartsWith("vop_", value, StringComparison.Ordinal);

        using var script = Script(value);
        var me = await script.GetFromJsonAsync<JsonElement>(Me);
        Assert.Equal("Bob Researcher", me.GetProperty("displayName").GetString());

        await using var db = portal.CreateDb();
        var stored = await db.ApiTokens.SingleAsync(t => t.Id == id);
        Assert.Equal(TokenSecrets.Hash(value), stored.Hash);
        var row = await db.Database.SqlQueryRaw<string>("SELECT row_to_json(t)::text AS \"Value\" FROM api_tokens t WHERE id = {0}", id).SingleAsync();
        Assert.DoesNotContain(value[4..], row, StringComparison.Ordinal);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "token.created" && e.ActorUserId == DemoSeed.Bob));

        using var browser = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(browser, DemoSeed.Bob);
        var listed = await browser.GetStringAsync(Tokens);
        Assert.DoesNotContain(value, listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_with_the_export_scope_downloads_and_the_export_is_attributed_to_the_token()
    {
        var (value, id) = await CreateAsync(DemoSeed.Bob, ["data:export"]);
        using var script = Script(value);
        using var response = await script.GetAsync(Export);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("patient_id", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var db = portal.CreateDb();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "export.started" && e.ApiTokenId == id && e.ActorUserId == DemoSeed.Bob));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "export.completed" && e.ApiTokenId == id));
    }

    [Fact]
    public async Task A_token_without_the_export_scope_is_403_with_the_reason()
    {
        var (value, _) = await CreateAsync(DemoSeed.Bob, ["catalogue:read"]);
        using var script = Script(value);
        using var response = await script.GetAsync(Export);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("token.scope_missing", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("data:export", problem.RootElement.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_revoked_token_is_401_at_once()
    {
        var (value, id) = await CreateAsync(DemoSeed.Bob, ["catalogue:read"]);
        using var browser = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(browser, DemoSeed.Bob);
        using (var revoke = await browser.DeleteAsync(new Uri($"/api/tokens/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        using var script = Script(value);
        using var response = await script.GetAsync(Me);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("token.revoked", await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var (value, _) = await CreateAsync(DemoSeed.Carol, ["catalogue:read"], days: 1);
        portal.Clock.Advance(TimeSpan.FromDays(1).Add(TimeSpan.FromSeconds(1)));
        using var script = Script(value);
        using var response = await script.GetAsync(Me);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("token.expired", await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task Last_used_is_written_on_first_use_then_at_most_once_a_minute()
    {
        var (value, id) = await CreateAsync(DemoSeed.Alice, ["catalogue:read"]);
        using var script = Script(value);
        async Task<DateTimeOffset?> UseAsync()
        {
            using var response = await script.GetAsync(Me);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var db = portal.CreateDb();
            return (await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id)).LastUsedAt;
        }

        var first = portal.Clock.GetUtcNow();
        Assert.Equal(first, await UseAsync());
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(first, await UseAsync());
        portal.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(portal.Clock.GetUtcNow(), await UseAsync());
    }

    [Theory]
    [InlineData("vop_not-a-real-token", "token.malformed")]
    [InlineData("vop_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "token.unknown")]
    public async Task An_unknown_or_malformed_token_is_401_and_never_falls_back_to_a_cookie(string token, string code)
    {
        await portal.PolicyLoadedAsync();
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Bob);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(code, await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task A_token_cannot_create_or_revoke_tokens()
    {
        var (value, id) = await CreateAsync(DemoSeed.Dave, ["catalogue:read", "data:export"]);
        using var script = Script(value);
        using var create = await script.PostAsJsonAsync(Tokens, new { name = "child", scopes = ExportOnly, expiresInDays = 5 });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("token.manage.browser_only", await ProblemCodeAsync(create));
        using var revoke = await script.DeleteAsync(new Uri($"/api/tokens/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.Equal("token.manage.browser_only", await ProblemCodeAsync(revoke));
    }

    [Fact]
    public async Task Nobody_revokes_someone_elses_token()
    {
        var (value, id) = await CreateAsync(DemoSeed.Bob, ["catalogue:read"]);
        using var alice = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(alice, DemoSeed.Alice);
        using var revoke = await alice.DeleteAsync(new Uri($"/api/tokens/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal("token.not_found", await ProblemCodeAsync(revoke));
        using var script = Script(value);
        using var stillWorks = await script.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    [Theory]
    [InlineData("", new[] { "catalogue:read" }, 30, "name", "token.create.name_invalid")]
    [InlineData("x", new string[0], 30, "scopes", "token.create.scopes_invalid")]
    [InlineData("x", new[] { "admin:everything" }, 30, "scopes", "token.create.scopes_invalid")]
    [InlineData("x", new[] { "catalogue:read" }, 0, "expiresInDays", "token.create.lifetime_out_of_range")]
    [InlineData("x", new[] { "catalogue:read" }, 366, "expiresInDays", "token.create.lifetime_out_of_range")]
    public async Task Bad_input_is_a_problem_naming_the_field_and_creates_nothing(string name, string[] scopes, int days, string field, string code)
    {
        await portal.PolicyLoadedAsync();
        using var browser = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(browser, DemoSeed.Alice);
        await using var before = portal.CreateDb();
        var count = await before.ApiTokens.CountAsync();
        using var response = await browser.PostAsJsonAsync(Tokens, new { name, scopes, expiresInDays = days });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        await using var after = portal.CreateDb();
        Assert.Equal(count, await after.ApiTokens.CountAsync());
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Issue #18, L1, L2 and L5: input that used to answer 500 (NUL anywhere, a malformed bearer, a non-ASCII token name in
/// WWW-Authenticate) or was stored as given (control and bidi characters in names) is a coded 400/401 and changes nothing.
/// </summary>
public sealed class MalformedInputTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] CatalogueRead = ["catalogue:read"];

    private async Task<HttpClient> SignedInAsync(Guid user)
    {
        await portal.PolicyLoadedAsync();
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(code, await ProblemCode.OfAsync(response));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("/api/vos", """{"name":"Cohort\u0000X"}""")]
    [InlineData("/api/vos", """{"name":"Cohort","description":"a\u0000b"}""")]
    [InlineData("/api/tokens", """{"name":"script\u0000","scopes":["catalogue:read"],"expiresInDays":5}""")]
    [InlineData("/api/datasets", """{"name":"x","host":"127.0.0.1","database":"d","relation":"r","username":"post\u0000gres"}""")]
    [InlineData("/api/access-requests", """{"datasetId":"0b7f2c1e-0000-4000-8000-000000000202","purpose":"DS:HIV","description":"\u0000"}""")]
    public async Task A_nul_in_any_json_string_is_a_coded_400_and_nothing_is_stored(string path, string json)
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        await using var before = portal.CreateDb();
        var (vos, tokens, datasets) = (await before.VirtualOrganizations.CountAsync(), await before.ApiTokens.CountAsync(), await before.Datasets.CountAsync());

        using var response = await bob.PostAsync(new Uri(path, UriKind.Relative), Json(json));
        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "request.nul_character");

        await using var after = portal.CreateDb();
        Assert.Equal((vos, tokens, datasets), (await after.VirtualOrganizations.CountAsync(), await after.ApiTokens.CountAsync(), await after.Datasets.CountAsync()));
    }

    [Fact]
    public async Task An_escaped_backslash_before_u0000_is_text_not_a_nul()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var response = await bob.PostAsync(new Uri("/api/vos", UriKind.Relative), Json("""{"name":"Backslash \\u0000 cohort"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/datasets/0b7f2c1e-0000-4000-8000-000000000201/export?purpose=DS:H%00IV")]
    [InlineData("/api/audit?type=%00")]
    [InlineData("/api/vos?page=1%00")]
    public async Task A_nul_in_the_query_is_a_coded_400(string url)
    {
        using var carol = await SignedInAsync(DemoSeed.Carol);
        using var response = await carol.GetAsync(new Uri(url, UriKind.Relative));
        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "request.nul_character");
    }

    [Fact]
    public async Task A_query_parameter_given_twice_is_refused()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&purpose=GRU", UriKind.Relative));
        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "request.parameter_repeated");
    }

    [Theory]
    [InlineData("Bell\u0007")]
    [InlineData("Two\r\nlines")]
    [InlineData("gpj.\u202Eexe")]
    [InlineData("Isolated \u2066x\u2069")]
    [InlineData("C1\u0085x")]
    public async Task Names_with_control_or_bidi_characters_are_refused_with_the_field_s_code(string name)
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var vo = await bob.PostAsJsonAsync("/api/vos", new { name });
        await AssertRefusedAsync(vo, HttpStatusCode.BadRequest, "vo.organization.name_characters");
        using var token = await bob.PostAsJsonAsync("/api/tokens", new { name, scopes = CatalogueRead, expiresInDays = 5 });
        await AssertRefusedAsync(token, HttpStatusCode.BadRequest, "token.create.name_characters");

        using var alice = await SignedInAsync(DemoSeed.Alice);
        using var dataset = await alice.PutAsJsonAsync($"/api/datasets/{DemoSeed.PatientsDataset}/conditions", new { name });
        await AssertRefusedAsync(dataset, HttpStatusCode.BadRequest, "dataset.name.characters");

        await using var db = portal.CreateDb();
        Assert.False(await db.VirtualOrganizations.AnyAsync(v => v.Name == name));
        Assert.False(await db.ApiTokens.AnyAsync(t => t.Name == name));
        Assert.False(await db.Datasets.AnyAsync(d => d.Name == name));
    }

    [Fact]
    public async Task A_name_in_another_script_is_still_welcome()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var vo = await bob.PostAsJsonAsync("/api/vos", new { name = "Kohorte Zürich – עברית ☃" });
        Assert.Equal(HttpStatusCode.Created, vo.StatusCode);
    }

    [Theory]
    [InlineData("vop_AAAA")]
    [InlineData("vop_")]
    [InlineData("not-a-token at all")]
    [InlineData("vop_ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ")]
    public async Task A_malformed_bearer_is_a_coded_401(string value)
    {
        using var client = portal.CreateBrowserClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/me", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + value);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("token.", await ProblemCode.OfAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_with_a_non_ascii_name_is_a_401_whose_header_stays_ascii()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var created = await bob.PostAsJsonAsync("/api/tokens", new { name = "Lüfter-Skript \"☃\" 日本", scopes = CatalogueRead, expiresInDays = 5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var value = body.GetProperty("value").GetString()!;
        using (var revoked = await bob.DeleteAsync(new Uri($"/api/tokens/{body.GetProperty("token").GetProperty("id").GetGuid()}", UriKind.Relative)))
        {
            Assert.True(revoked.IsSuccessStatusCode);
        }

        using var script = portal.CreateBrowserClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        using var response = await script.GetAsync(new Uri("/api/me", UriKind.Relative));
        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "token.revoked");
        var header = string.Join(",", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.StartsWith("Bearer", header, StringComparison.Ordinal);
        Assert.All(header, c => Assert.InRange(c, ' ', '~'));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("日本", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

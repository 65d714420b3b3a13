using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Audit;

/// <summary>/api/audit: auditors read everything, owners their datasets' trail, nobody else anything.</summary>
public sealed class AuditApiTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private async Task<HttpClient> AsAsync(Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private async Task RecordAsync(string type, Guid? dataset, string actorName)
    {
        await using var db = portal.CreateDb();
        portal.Services.GetRequiredService<AuditLog>().Add(db, type, AuditOutcome.Denied, new AuditActor(DemoSeed.Bob, actorName, "127.0.0.1"),
            datasetId: dataset, reason: "grant.none");
        await db.SaveChangesAsync();
    }

    private static Uri Api(string query = "") => new($"/api/audit{query}", UriKind.Relative);

    [Fact]
    public async Task An_auditor_searches_everything_with_filters_and_pages()
    {
        await RecordAsync("export.denied", DemoSeed.AdmissionsDataset, "Bob Researcher");
        using var carol = await AsAsync(DemoSeed.Carol);

        var all = await carol.GetFromJsonAsync<JsonElement>(Api("?pageSize=2"));
        Assert.True(all.GetProperty("total").GetInt32() >= 3);
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());

        var signins = await carol.GetFromJsonAsync<JsonElement>(Api("?type=signin"));
        Assert.All(signins.GetProperty("items").EnumerateArray(), e => Assert.StartsWith("signin", e.GetProperty("type").GetString(), StringComparison.Ordinal));

        var denied = await carol.GetFromJsonAsync<JsonElement>(Api($"?outcome=Denied&dataset={DemoSeed.AdmissionsDataset}"));
        Assert.Contains(denied.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "export.denied");
    }

    [Fact]
    public async Task An_owner_sees_only_the_trail_of_their_datasets()
    {
        await RecordAsync("export.denied", DemoSeed.PatientsDataset, "Bob Researcher");
        using var alice = await AsAsync(DemoSeed.Alice);
        var page = await alice.GetFromJsonAsync<JsonElement>(Api("?pageSize=100"));
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, e => Assert.Contains(e.GetProperty("datasetId").GetString(),
            new[] { DemoSeed.PatientsDataset.ToString(), DemoSeed.AdmissionsDataset.ToString() }));
    }

    [Fact]
    public async Task Someone_who_is_neither_auditor_nor_owner_sees_nothing()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync(Api());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("audit.read.not_allowed", await ProblemCode.OfAsync(response));
        using var export = await bob.GetAsync(Api("/export"));
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.Equal("audit.read.not_allowed", await ProblemCode.OfAsync(export));

        using var anonymous = portal.CreateBrowserClient();
        using var unauthorized = await anonymous.GetAsync(Api());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task The_csv_download_holds_every_visible_event_with_formulas_defused()
    {
        await RecordAsync("export.denied", DemoSeed.PatientsDataset, "=HYPERLINK(\"http://evil\")");
        using var carol = await AsAsync(DemoSeed.Carol);
        var total = (await carol.GetFromJsonAsync<JsonElement>(Api())).GetProperty("total").GetInt32();

        var csv = await carol.GetStringAsync(Api("/export?format=csv"));
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,chain_seq,occurred_at,type", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length - 1 >= total, $"{lines.Length - 1} rows for {total} events");
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", csv, StringComparison.Ordinal);

        var jsonl = await carol.GetStringAsync(Api("/export?format=jsonl&type=signin"));
        Assert.All(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => Assert.StartsWith("signin", JsonDocument.Parse(l).RootElement.GetProperty("type").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_auditors_verify_the_chain_and_it_is_intact()
    {
        using var carol = await AsAsync(DemoSeed.Carol);
        var result = await carol.GetFromJsonAsync<JsonElement>(Api("/verify"));
        Assert.True(result.GetProperty("intact").GetBoolean(), result.GetProperty("message").GetString());

        using var alice = await AsAsync(DemoSeed.Alice);
        using var refused = await alice.GetAsync(Api("/verify"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("audit.verify.auditors_only", await ProblemCode.OfAsync(refused));
    }

    [Theory]
    [InlineData("?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "to", "audit.filter.period_invalid")]
    [InlineData("?outcome=Maybe", "outcome", "audit.filter.outcome_invalid")]
    [InlineData("?pageSize=500", "pageSize", null)]
    [InlineData("/export?format=xlsx", "format", "audit.export.format_invalid")]
    public async Task Bad_filters_are_problems_naming_the_field(string query, string field, string? code)
    {
        using var carol = await AsAsync(DemoSeed.Carol);
        using var response = await carol.GetAsync(Api(query));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        // Paging refusals are the kernel's (Paging.From); only the audit feature's own codes are pinned here.
        if (code is not null)
        {
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        }
    }
}

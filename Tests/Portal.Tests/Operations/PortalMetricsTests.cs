using System.Globalization;
using System.Net;
using System.Web;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Operations;

/// <summary>
/// Metrics listeners are process-wide: a host's exporter also counts what other test hosts do at the same time. These
/// tests compare exact counts, so they run alone, after every parallel test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "Process-wide metrics";
}

/// <summary>/metrics carries the portal's own counters: sign-ins by outcome and reason, decisions, exports and bytes.</summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class PortalMetricsTests(HospitalPortalFactory portal) : IClassFixture<HospitalPortalFactory>
{
    private const string HivResearch = "purpose=DS:HIV&ethics=UNI-IRB-2026-117";

    /// <summary>Every sample of the scrape: "name{labels}" → value (labels as written, e.g. outcome="failed").</summary>
    private async Task<Dictionary<string, double>> ScrapeAsync()
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = new Dictionary<string, double>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            // "name{labels} value [timestamp]"; label values may contain spaces, the value follows the last '}'.
            var end = line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            samples[line[..end]] = double.Parse(line[end..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return samples;
    }

    /// <summary>The sum over the samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    private static double Sum(Dictionary<string, double> samples, string name, params string[] labels) =>
        samples.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal) || s.Key == name)
            .Where(s => labels.All(l => s.Key.Contains(l, StringComparison.Ordinal)))
            .Sum(s => s.Value);

    [Fact]
    public async Task A_sign_in_and_an_export_show_up_as_portal_metrics()
    {
        await portal.PolicyLoadedAsync();
        var before = await ScrapeAsync();

        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var export = await bob.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?{HivResearch}&format=csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var bytes = (await export.Content.ReadAsByteArrayAsync()).Length;
        using var denied = await bob.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=HMB&format=csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        var after = await ScrapeAsync();
        double Delta(string name, params string[] labels) => Sum(after, name, labels) - Sum(before, name, labels);

        Assert.Equal(1, Delta("portal_signins_total", "method=\"saml\"", "outcome=\"succeeded\""));
        Assert.Equal(1, Delta("portal_decisions_total", "endpoint=\"export\"", "outcome=\"permit\""));
        Assert.Equal(1, Delta("portal_decisions_total", "endpoint=\"export\"", "outcome=\"deny\""));
        Assert.Equal(1, Delta("portal_exports_started_total", "format=\"csv\""));
        Assert.Equal(1, Delta("portal_exports_completed_total", "format=\"csv\""));
        Assert.Equal(bytes, Delta("portal_exports_bytes_total", "format=\"csv\""));
        Assert.Equal(0, Delta("portal_exports_aborted_total"));
        // The platform's own instrumentation is there too: requests served, database connections.
        Assert.Contains(after.Keys, k => k.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(after.Keys, k => k.StartsWith("db_client_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_sign_in_is_counted_by_its_reason_and_names_nobody()
    {
        var before = await ScrapeAsync();
        using var client = portal.CreateBrowserClient();
        using var response = await DemoSession.PostResponseAsync(client, DemoSeed.Bob, "/", s => s.Audience = "https://elsewhere.example.org/saml/metadata");
        var reason = HttpUtility.ParseQueryString(new Uri(new Uri("http://localhost"), response.Headers.Location!).Query)["reason"];
        Assert.False(string.IsNullOrEmpty(reason), "the sign-in failed with a reason");

        var after = await ScrapeAsync();
        var label = $"reason=\"{reason}\"";
        Assert.Equal(1, Sum(after, "portal_signins_total", "outcome=\"failed\"", label) - Sum(before, "portal_signins_total", "outcome=\"failed\"", label));
        Assert.DoesNotContain(after.Keys, k => k.StartsWith("portal_", StringComparison.Ordinal) && k.Contains("bob", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Explaining_access_counts_a_decision_of_the_explain_endpoint()
    {
        await portal.PolicyLoadedAsync();
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        var before = await ScrapeAsync();
        using var response = await bob.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/access/explain?{HivResearch}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var after = await ScrapeAsync();
        Assert.Equal(1, Sum(after, "portal_decisions_total", "endpoint=\"explain\"", "outcome=\"permit\"")
            - Sum(before, "portal_decisions_total", "endpoint=\"explain\"", "outcome=\"permit\""));
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Demo;
using Portal.Features.SignIn.Discovery;
using Portal.Features.SignIn.Saml;
using Portal.Tests.Infrastructure;
using Portal.Tests.SignIn.Saml;
using Xunit.Abstractions;

namespace Portal.Tests.SignIn.Federation;

/// <summary>
/// /signin as a discovery page over 2,000 federation IdPs plus the demo IdPs: search by name, domain or scope,
/// hidden entities never listed, the last choice offered first, and fast.
/// </summary>
public sealed partial class DiscoveryPageTests(FederationPortalFactory portal, ITestOutputHelper output) : IClassFixture<FederationPortalFactory>
{
    private async Task<string> PageAsync(string query, HttpClient? client = null)
    {
        using var own = client is null ? portal.CreateBrowserClient() : null;
        using var response = await (client ?? own!).GetAsync(new Uri("/signin" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static List<string> ListedEntityIds(string page) =>
        [.. LoginLink().Matches(page).Select(m => Uri.UnescapeDataString(m.Groups[1].Value))];

    private static string Count(string page) =>
        WebUtility.HtmlDecode(CountLine().Match(page).Groups[1].Value).Trim();

    [Fact]
    public void The_directory_holds_single_entity_and_federation_idps_together()
    {
        var idps = portal.Services.GetRequiredService<SamlIdentityProviders>();
        Assert.NotNull(idps.Find(DemoSeed.HospitalIdp));
        Assert.NotNull(idps.Find(DemoSeed.UniversityIdp));
        Assert.NotNull(idps.Find(TestAggregate.Generated(7).EntityId));
        Assert.Equal(2002, idps.All.Count);
        Assert.Equal(2000 - 200 + 2, idps.Discovery.Count);
    }

    [Fact]
    public async Task Without_a_query_the_first_50_are_rendered_with_the_count()
    {
        var page = await PageAsync("");
        Assert.Equal(DiscoveryPageSize, ListedEntityIds(page).Count);
        Assert.Equal("Showing 50 of 1802 institutions; search to narrow the list.", Count(page));
    }

    [Fact]
    public async Task Search_by_display_name_counts_all_and_renders_the_first_50()
    {
        var page = await PageAsync("?q=Bologna");
        var listed = ListedEntityIds(page);
        Assert.Equal(DiscoveryPageSize, listed.Count);
        Assert.All(listed, id => Assert.Matches(@"inst\d\d\d1\.example\.org", id));
        Assert.StartsWith("200 institutions match", Count(page), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?q=inst0007.example.org", "https://idp.inst0007.example.org/idp/shibboleth")] // scope / domain
    [InlineData("?q=0007+helsinki", "https://idp.inst0007.example.org/idp/shibboleth")]       // two terms, any case
    [InlineData("?q=INST1234", "https://idp.inst1234.example.org/idp/shibboleth")]
    [InlineData("?q=hospital.example.org", DemoSeed.HospitalIdp)]                              // a single-entity IdP's scope
    public async Task Search_finds_one_institution_by_domain_scope_or_several_terms(string query, string expected)
    {
        var listed = ListedEntityIds(await PageAsync(query));
        Assert.Equal([expected], listed);
    }

    [Fact]
    public async Task Hidden_entities_are_not_listed_by_any_query()
    {
        // Every tenth generated entity (all the Aarhus ones) carries the REFEDS hide-from-discovery category.
        var byName = await PageAsync("?q=Aarhus");
        Assert.Empty(ListedEntityIds(byName));
        Assert.StartsWith("No institution matches", Count(byName), StringComparison.Ordinal);
        Assert.Empty(ListedEntityIds(await PageAsync("?q=inst0010.example.org")));
        Assert.DoesNotContain(TestAggregate.Generated(10).EntityId, ListedEntityIds(await PageAsync("?q=inst001")));
        Assert.Contains(TestAggregate.Generated(11).EntityId, ListedEntityIds(await PageAsync("?q=inst001")));
    }

    [Fact]
    public async Task A_hidden_entity_is_still_usable_for_sign_in()
    {
        var hidden = TestAggregate.Generated(10);
        using var client = portal.CreateBrowserClient();
        var (requestId, relayState, issuedAt) = await DemoSession.StartAsync(client, hidden.EntityId, "/datasets/42");
        var scenario = SignedInScenario(hidden, requestId, relayState, issuedAt);
        using var response = await DemoSession.PostAsync(client, scenario.Build(), scenario.RelayState);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/datasets/42", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_page_stays_fast_with_2000_idps()
    {
        using var client = portal.CreateBrowserClient();
        string[] queries = ["", "?q=Bologna", "?q=inst1999.example.org", "?q=university+of", "?q=zz-no-match"];
        foreach (var q in queries)
        {
            await PageAsync(q, client); // warm-up: first render compiles and caches
        }
        foreach (var q in queries)
        {
            var times = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                var watch = Stopwatch.StartNew();
                await PageAsync(q, client);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var median = (times[4] + times[5]) / 2;
            output.WriteLine($"GET /signin{q}: median {median:0.0} ms, max {times[^1]:0.0} ms over 10");
            Assert.True(median < 200, $"/signin{q} took {median:0.0} ms (median of 10)");
        }
    }

    [Fact]
    public async Task The_last_choice_is_remembered_and_offered_first()
    {
        using var client = portal.CreateBrowserClient();
        Assert.DoesNotContain("data-testid=\"last-choice\"", await PageAsync("", client), StringComparison.Ordinal);

        using (var login = await client.GetAsync(new Uri($"/saml/login?idp={Uri.EscapeDataString(TestAggregate.Generated(1234).EntityId)}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(LastChoiceCookie.Name + "=", StringComparison.Ordinal));
        }
        var page = await PageAsync("", client);
        var last = LastChoice().Match(page);
        Assert.True(last.Success, "the page offers the last choice");
        Assert.Contains("Institution 1234", last.Value, StringComparison.Ordinal);
        Assert.True(page.IndexOf("data-testid=\"last-choice\"", StringComparison.Ordinal) < page.IndexOf("data-testid=\"identity-providers\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://idp.unknown.example.com/idp")]
    [InlineData("https://idp.inst0010.example.org/idp/shibboleth")] // hidden: usable, never listed
    public async Task A_remembered_choice_that_is_unknown_or_hidden_is_not_shown(string entityId)
    {
        using var client = portal.CreateBrowserClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.Add("Cookie", $"{LastChoiceCookie.Name}={Uri.EscapeDataString(entityId)}");
        using var response = await client.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-testid=\"last-choice\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_external_discovery_services_answer_is_accepted_when_the_idp_is_known()
    {
        var known = TestAggregate.Generated(42);
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(new Uri($"/saml/login?returnUrl=%2Fvos&entityID={Uri.EscapeDataString(known.EntityId)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(known.SsoUrl + "?SAMLRequest=", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entityID=https%3A%2F%2Fidp.evil.example.com%2Fidp")]
    [InlineData("entityID=")]
    [InlineData("idp=https%3A%2F%2Fidp.inst0042.example.org%2Fidp%2Fshibboleth&entityID=https%3A%2F%2Fidp.inst0043.example.org%2Fidp%2Fshibboleth")]
    public async Task An_unknown_or_ambiguous_answer_ends_on_the_readable_failure_page(string query)
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(new Uri($"/saml/login?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/signin/failed?reason={SamlReasons.IdpUnknown}", response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.Any(c => c.StartsWith(LastChoiceCookie.Name + "=", StringComparison.Ordinal)), "an unknown IdP is not remembered");
    }

    [Fact]
    public async Task The_page_links_the_configured_external_discovery_service_per_the_protocol()
    {
        var page = WebUtility.HtmlDecode(await PageAsync("?ReturnUrl=%2Fvos"));
        var expected = "https://ds.example.org/ds/?entityID=" + Uri.EscapeDataString("http://localhost/saml/metadata")
            + "&return=" + Uri.EscapeDataString("http://localhost/saml/login?returnUrl=%2Fvos") + "&returnIDParam=entityID";
        Assert.Contains($"href=\"{expected}\"", page, StringComparison.Ordinal);

        // The SP's metadata declares that return location, as discovery services require.
        using var client = portal.CreateBrowserClient();
        var metadata = await client.GetStringAsync(new Uri("/saml/metadata", UriKind.Relative));
        Assert.Contains($"Binding=\"{SamlNames.IdpDiscovery}\" Location=\"http://localhost/saml/login\"", metadata, StringComparison.Ordinal);
    }

    private const int DiscoveryPageSize = 50;

    internal static ResponseScenario SignedInScenario(TestEntity idp, string requestId, string relayState, DateTimeOffset issuedAt)
    {
        var scenario = ResponseScenario.Answering("http://localhost", idp.EntityId, idp.Key, requestId, relayState, issuedAt);
        scenario.Attributes.Clear();
        scenario.Attributes.AddRange(
        [
            (AttributeMapper.SubjectId, [$"erin-1@{idp.Scope}"]),
            (AttributeMapper.DisplayName, ["Erin Federated"]),
            (AttributeMapper.EduPersonScopedAffiliation, [$"member@{idp.Scope}"]),
        ]);
        return scenario;
    }

    [GeneratedRegex("href=\"/saml/login\\?idp=([^&\"]+)&amp;", RegexOptions.None)]
    private static partial Regex LoginLink();

    [GeneratedRegex("data-testid=\"discovery-count\"[^>]*>([^<]*)<")]
    private static partial Regex CountLine();

    [GeneratedRegex("data-testid=\"last-choice\".*?</a>", RegexOptions.Singleline)]
    private static partial Regex LastChoice();
}

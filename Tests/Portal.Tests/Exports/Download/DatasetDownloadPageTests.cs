using System.Net;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Exports.Download;

/// <summary>
/// /datasets/{id}, the researcher's download page, prerendered through the same services and policy engine as the API:
/// it shows the caller's own access and what the engine decides for the declared purpose, never more.
/// </summary>
public sealed class DatasetDownloadPageTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string Patients = $"/datasets/{DemoSeed.PatientsDataset}";

    private async Task<string> PageAsync(Guid user, string path)
    {
        await portal.PolicyLoadedAsync();
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_grantee_sees_the_grant_the_curl_command_and_the_engines_verdict_for_the_purpose()
    {
        var html = await PageAsync(DemoSeed.Bob, Patients);

        Assert.Contains("HIV clinic patients", html, StringComparison.Ordinal);
        Assert.Contains("personal grant", html, StringComparison.Ordinal);
        Assert.Contains($"curl -H \"Authorization: Bearer $TOKEN\" -o dataset.csv \"http://localhost/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS%3AHIV&format=csv\"", html, StringComparison.Ordinal);
        // The dataset carries IRB: without an ethics reference the engine says no, and the page offers no download.
        Assert.Contains("Not permitted:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"download\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_without_a_grant_is_offered_a_request_not_a_download()
    {
        var html = await PageAsync(DemoSeed.Dave, Patients);

        Assert.Contains("You hold no live grant on this dataset.", html, StringComparison.Ordinal);
        Assert.Contains($"/access-requests/new/{DemoSeed.PatientsDataset}", html, StringComparison.Ordinal);
        Assert.DoesNotContain("curl -H", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_dataset_is_not_found_and_tells_nothing()
    {
        var html = await PageAsync(DemoSeed.Bob, $"/datasets/{Guid.NewGuid()}");

        Assert.Contains("Dataset not found", html, StringComparison.Ordinal);
        Assert.DoesNotContain("curl -H", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_catalogue_links_each_dataset_to_its_page()
    {
        var html = await PageAsync(DemoSeed.Bob, "/researcher");

        Assert.Contains($"href=\"{Patients}\"", html, StringComparison.Ordinal);
    }
}

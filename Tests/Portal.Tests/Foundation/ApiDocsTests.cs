using System.Net;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Foundation;

public sealed class ApiDocsTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task The_openapi_document_names_every_api_operation_and_how_to_authenticate()
    {
        using var client = portal.CreateBrowserClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var root = doc.RootElement;

        Assert.Equal("http", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
        var apiOperations = 0;
        foreach (var path in root.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                apiOperations++;
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(operation.Value.TryGetProperty("operationId", out _), $"{where} has no operationId");
                Assert.True(operation.Value.TryGetProperty("summary", out _), $"{where} has no summary");
                Assert.True(operation.Value.TryGetProperty("security", out var security) && security.GetArrayLength() > 0, $"{where} has no security requirement");
                var responses = operation.Value.GetProperty("responses");
                Assert.True(responses.TryGetProperty("401", out var unauthorized), $"{where} does not document 401");
                Assert.True(unauthorized.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{where}: 401 is not problem details");
            }
        }
        Assert.True(apiOperations >= 20, $"only {apiOperations} /api operations documented");
        Assert.True(root.GetProperty("paths").TryGetProperty("/api/vos", out _), "/api/vos is missing");
    }

    [Fact]
    public async Task The_interactive_reference_is_served_without_sign_in_and_reads_the_document()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(new Uri("/api-docs/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        // The page resolves the source against the site's root, so this is /openapi/v1.json.
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        // Served by the portal itself: no CDN, so it works on an offline network and leaks no visit to a third party.
        Assert.Contains("<script src=\"scalar.js\">", html, StringComparison.Ordinal);
        using var script = await client.GetAsync(new Uri("/api-docs/scalar.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}

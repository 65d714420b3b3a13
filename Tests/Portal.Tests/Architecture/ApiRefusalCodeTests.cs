using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Architecture;

/// <summary>
/// Every operation of the OpenAPI document, asked wrongly (unknown ids, an empty body), by nobody and by a signed-in
/// researcher: each refusal is problem details with a `code` listed in docs/errors.md, and none is a server error.
/// </summary>
public sealed partial class ApiRefusalCodeTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task Every_api_refusal_has_a_documented_code_for_anonymous_and_signed_in_callers()
    {
        await portal.PolicyLoadedAsync();
        using var anonymous = portal.CreateBrowserClient();
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);

        var problems = new List<string>();
        var refusals = 0;
        foreach (var (method, template) in await OperationsAsync(anonymous))
        {
            foreach (var (who, client) in new[] { ("anonymous", anonymous), ("bob", bob) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), Fill(template));
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                var where = $"{who} {method} {template} -> {status}";
                if (status >= 500)
                {
                    problems.Add(where + ": server error");
                    continue;
                }
                if (status < 400)
                {
                    continue;
                }
                refusals++;
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    problems.Add(where + $": not problem details ({response.Content.Headers.ContentType?.MediaType ?? "no body"})");
                    continue;
                }
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var code = body.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                if (code is null || !RefusalCodeTests.Documented.ContainsKey(code))
                {
                    problems.Add(where + $": code '{code ?? "(none)"}' is not in docs/errors.md");
                }
            }
        }
        Assert.True(refusals >= 40, $"only {refusals} refusals were provoked: the crawl lost its operations");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task A_refusal_the_framework_writes_carries_a_code_too()
    {
        using var anonymous = portal.CreateBrowserClient();
        using var response = await anonymous.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("auth.sign_in_required", body.RootElement.GetProperty("code").GetString());

        using var missing = await anonymous.GetAsync(new Uri("/api/no-such-thing", UriKind.Relative));
        using var missingBody = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        Assert.True(missingBody.RootElement.TryGetProperty("code", out _), "a 404 under /api without a code");
    }

    private static async Task<List<(string Method, string Template)>> OperationsAsync(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        return [.. doc.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject()
                .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(o => (o.Name.ToUpperInvariant(), p.Name)))];
    }

    /// <summary>Every path parameter becomes an id nobody has: the answers are refusals, never someone's data.</summary>
    private static Uri Fill(string template) =>
        new(PathParameter().Replace(template, _ => Guid.NewGuid().ToString()), UriKind.Relative);

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}

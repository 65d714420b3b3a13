using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using Portal.Features.Audit;
using Portal.Features.Demo;
using Portal.Tests.Architecture;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Issue #18, item 3: every operation of /openapi/v1.json, sent malformed input (wrong types, huge strings, NUL, bidi
/// and emoji, boundary numbers, empty and deep bodies) as nobody, as a signed-in researcher, as a steward who is also
/// auditor and as the researcher's token with every scope. No answer is a 5xx, every refusal is problem details with a documented code, and nothing changes: the main
/// tables keep their row counts and the audit chain verifies. Fixed seed, bounded (a few thousand requests).
/// </summary>
public sealed partial class OpenApiFuzzTests(HospitalPortalFactory portal) : IClassFixture<HospitalPortalFactory>
{
    private const int Seed = 18;
    private const int MutationsPerOperation = 8;
    private static readonly string[] Tables =
        ["users", "virtual_organizations", "memberships", "datasets", "dataset_stewards", "grants", "access_requests", "api_tokens", "invitations", "join_requests", "site_enrollments", "site_agents"];

    private static readonly string[] Strings =
    [
        "", "\u0000", "a\u0000b", "\u202Egnp.exe", "\u2066x\u2069", "😀👩‍🔬", "\u0007\r\n", new('x', 70_000), "2147483648", "-1", "1e309",
        "NaN", "null", "' OR 1=1 --", "../../etc/passwd", "%00", "DS:H\u0000IV", "3:HIV", "GRU,HMB", "\uFFFF", "\uD800",
    ];

    /// <summary>
    /// Strings no body field may take (a single field is sent, so anything a name accepts would create a VO): empty,
    /// NUL, controls, bidi overrides and isolates, 70,000 characters.
    /// </summary>
    private static readonly string[] BodyStrings =
        ["", "\u0000", "a\u0000b", "\u202Egnp.exe", "\u2066x\u2069", "😀\u202E", "\u0007\r\n", new('y', 70_000), "DS:H\u0000IV"];

    private static readonly JsonNode?[] Values =
    [
        null, true, 0, -1, 2147483648, -2147483649, long.MaxValue, 1e308, JsonValue.Create(0.5), new JsonArray(), new JsonObject(),
        new JsonArray(Enumerable.Range(0, 2000).Select(i => (JsonNode?)JsonValue.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
    ];

    [Fact]
    public async Task Malformed_input_to_every_operation_never_fails_the_portal_and_changes_nothing()
    {
        await portal.PolicyLoadedAsync();
        using var anonymous = portal.CreateBrowserClient();
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var carol = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(carol, DemoSeed.Carol);
        using var script = portal.CreateBrowserClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(bob));
        var personas = new[] { ("anonymous", anonymous), ("bob", bob), ("carol (steward, auditor)", carol), ("bob's token", script) };

        using var openApi = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var operations = Operations(openApi.RootElement).ToList();
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the OpenAPI document");

        var before = await CountsAsync();
        var random = new Random(Seed);
        var problems = new List<string>();
        var sent = 0;
        foreach (var op in operations)
        {
            foreach (var (uri, body, what) in Targeted(op).Concat(Enumerable.Range(0, MutationsPerOperation).Select(_ => Mutate(op, random))))
            {
                foreach (var (who, client) in personas)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(op.Method), uri);
                    if (body is not null)
                    {
                        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    }
                    using var response = await client.SendAsync(request);
                    sent++;
                    if (await ProblemWithAsync(response) is { } problem)
                    {
                        problems.Add($"{who} {op.Method} {op.Path} [{what}] -> {(int)response.StatusCode}: {problem}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} of {sent} answers:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Take(40))}");
        Assert.Equal(before, await CountsAsync());
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync();
        var chain = await AuditChainVerifier.VerifyAsync(connection, CancellationToken.None);
        Assert.True(chain.Intact, chain.Message);
    }

    private sealed record Operation(string Method, string Path, List<(string Name, string In)> Parameters, List<string> BodyProperties, bool HasBody);

    private static IEnumerable<Operation> Operations(JsonElement root)
    {
        foreach (var path in root.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!)).ToList()
                    : [];
                var properties = new List<string>();
                var hasBody = op.Value.TryGetProperty("requestBody", out var requestBody);
                if (hasBody && requestBody.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json)
                    && Resolve(root, json.GetProperty("schema")) is { } schema && schema.TryGetProperty("properties", out var props))
                {
                    properties.AddRange(props.EnumerateObject().Select(p => p.Name));
                }
                yield return new Operation(op.Name.ToUpperInvariant(), path.Name, parameters, properties, hasBody || op.Name is "post" or "put" or "patch");
            }
        }
    }

    private static JsonElement? Resolve(JsonElement root, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return root.GetProperty("components").GetProperty("schemas").TryGetProperty(name, out var found) ? found : null;
        }
        return schema;
    }

    private static readonly string[] TargetedStrings = ["a\u0000b", "2147483648", "1e309", "-1", "\u202Egnp.exe", new('x', 70_000)];
    private static readonly JsonNode?[] TargetedValues = [JsonValue.Create("a\u0000b"), 2147483648, -1, 1e308, JsonValue.Create("\u202E😀"), new JsonArray()];

    /// <summary>Each query parameter and each body field in turn, with the values most likely to break them; ids unknown.</summary>
    private static IEnumerable<(Uri Uri, string? Body, string What)> Targeted(Operation op)
    {
        var path = PathParameter().Replace(op.Path, _ => Guid.NewGuid().ToString());
        foreach (var name in op.Parameters.Where(p => p.In == "query").Select(p => p.Name))
        {
            foreach (var value in TargetedStrings)
            {
                yield return (new Uri($"{path}?{name}={Uri.EscapeDataString(value)}", UriKind.Relative), op.HasBody ? "{}" : null, $"{name}={Short(value)}");
            }
        }
        foreach (var field in op.BodyProperties)
        {
            foreach (var value in TargetedValues)
            {
                var body = new JsonObject { [field] = value?.DeepClone() }.ToJsonString();
                yield return (new Uri(path, UriKind.Relative), body, "body=" + Short(body));
            }
        }
    }

    /// <summary>One malformed request: every path parameter an unknown or nonsense id, one query parameter and one body field broken.</summary>
    private static (Uri Uri, string? Body, string What) Mutate(Operation op, Random random)
    {
        string Pick() => Strings[random.Next(Strings.Length)];
        var what = new List<string>();
        var path = PathParameter().Replace(op.Path, _ =>
        {
            // A NUL in the path never reaches the portal (the HTTP layer refuses it), so paths get everything else.
            var value = random.Next(3) == 0 ? Pick().Replace("\0", "", StringComparison.Ordinal) : Guid.NewGuid().ToString();
            what.Add("path=" + Short(value));
            return Uri.EscapeDataString(value.Length == 0 ? "x" : value);
        });
        var query = op.Parameters.Where(p => p.In == "query").Select(p => p.Name).ToList();
        if (query.Count > 0 && random.Next(4) > 0)
        {
            var name = query[random.Next(query.Count)];
            var value = Pick();
            what.Add($"{name}={Short(value)}");
            path += $"?{name}={Uri.EscapeDataString(value)}";
        }
        string? body = null;
        if (op.HasBody)
        {
            switch (random.Next(6))
            {
                case 0:
                    body = random.Next(2) == 0 ? "" : "null";
                    break;
                case 1:
                    body = string.Concat(Enumerable.Repeat("[", 500)) + string.Concat(Enumerable.Repeat("]", 500));
                    break;
                case 2:
                    body = "{\"" + Short(Pick()) + "\": \"\\u0000\"}";
                    break;
                default:
                    var field = op.BodyProperties.Count > 0 ? op.BodyProperties[random.Next(op.BodyProperties.Count)] : "name";
                    JsonNode? value = random.Next(2) == 0 ? JsonValue.Create(BodyStrings[random.Next(BodyStrings.Length)]) : Values[random.Next(Values.Length)]?.DeepClone();
                    body = new JsonObject { [field] = value }.ToJsonString();
                    break;
            }
            what.Add("body=" + Short(body));
        }
        return (new Uri(path, UriKind.Relative), body, string.Join(" ", what));
    }

    private static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;

    /// <summary>What is wrong with an answer, or null: 5xx, or a refusal that is not problem details with a documented code.</summary>
    private static async Task<string?> ProblemWithAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return "server error " + Short(await response.Content.ReadAsStringAsync());
        }
        if (status < 400)
        {
            return null;
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "not problem details";
        }
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var code = doc.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return code is not null && RefusalCodeTests.Documented.ContainsKey(code) ? null : $"code '{code ?? "(none)"}' is not in docs/errors.md";
    }

    private static async Task<string> TokenAsync(HttpClient bob)
    {
        using var response = await bob.PostAsJsonAsync("/api/tokens", new
        {
            name = "fuzz",
            scopes = Features.Tokens.CreateToken.OfferedScopes,
            expiresInDays = 5,
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("value").GetString()!;
    }

    private async Task<string> CountsAsync()
    {
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync();
        var counts = new List<string>();
        foreach (var table in Tables)
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass(@t) IS NOT NULL", connection);
            exists.Parameters.AddWithValue("t", table);
            if (await exists.ExecuteScalarAsync() is true)
            {
                await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
                counts.Add($"{table}={await count.ExecuteScalarAsync()}");
            }
        }
        return string.Join(", ", counts);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}
